"""Two beat processes sweep at the same moment: each deadline takes effect exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from disputes.models import CancellationRequest, Dispute, Party, RequestStatus, Resolution
from disputes.services import (
    accept_overdue_cancellation_requests,
    open_dispute,
    request_cancellation,
    resolve_overdue_disputes,
)
from orders.models import OrderEvent, Status
from tests.factories import order_in_status
from tests.services.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sweeps_accept_each_overdue_request_once(seller, owner, site):
    # given three orders whose buyers asked to cancel 73 hours ago
    orders = [order_in_status(Status.READY_TO_SHIP, seller=seller, actor=owner, site=site) for _ in range(3)]
    for order in orders:
        request_cancellation(order_id=order.pk, seller=seller)
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        # when two beat runs sweep at once
        outcomes = run_at_once(2, accept_overdue_cancellation_requests)
    # then between them they accepted three, each once, and no run failed
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert sum(outcomes) == 3
    assert CancellationRequest.objects.filter(status=RequestStatus.ACCEPTED, accepted_automatically=True).count() == 3
    for order in orders:
        order.refresh_from_db()
        assert order.status == Status.CANCELED
        assert OrderEvent.objects.filter(order=order, kind="accept_cancellation_request").count() == 1


def test_two_sweeps_resolve_each_overdue_dispute_once(seller, owner, site):
    orders = [order_in_status(Status.SHIPPED, seller=seller, actor=owner, site=site) for _ in range(3)]
    for order in orders:
        open_dispute(
            order_id=order.pk,
            seller=seller,
            actor=None,
            party=Party.BUYER,
            reason_code="product_not_received",
            text="No llegó",
            responsible="Comprador",
        )
    with time_machine.travel(timezone.now() + timedelta(days=5, minutes=1)):
        outcomes = run_at_once(2, resolve_overdue_disputes)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert sum(outcomes) == 3
    assert Dispute.objects.filter(resolution=Resolution.FOR_BUYER).count() == 3
    for order in orders:
        assert OrderEvent.objects.filter(order=order, kind="dispute_resolved").count() == 1
        assert OrderEvent.objects.filter(order=order, kind="refund_by_dispute").count() == 1
