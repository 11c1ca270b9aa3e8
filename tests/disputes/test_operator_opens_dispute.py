"""An operator opens a dispute from the admin: through the service, as the operator party."""

import pytest
from django.urls import reverse

from disputes.models import Dispute
from orders.models import Status
from tests.factories import order_in_status, order_with_stock

pytestmark = pytest.mark.django_db


def test_operator_opens_a_dispute_on_a_shipped_order(client, operator, seller, owner):
    # given a shipped order of some seller and an operator in the admin
    order = order_in_status(Status.SHIPPED, seller=seller, actor=owner)
    client.force_login(operator)
    page = client.get(reverse("admin:disputes_dispute_add"))
    assert page.status_code == 200
    # when the operator fills in the form
    answer = client.post(
        reverse("admin:disputes_dispute_add"),
        {"order": order.pk, "reason": "product_not_received", "text": "El comprador reclama.", "responsible": "Op"},
    )
    # then a dispute awaits the seller's answer, opened by the operator, with its event
    dispute = Dispute.objects.get(order=order)
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{dispute.pk}/change/")
    assert dispute.opened_by_party == "operator" and dispute.status == "awaiting_seller"
    assert dispute.respond_by is not None
    assert order.events.filter(kind__startswith="dispute").exists()


def test_a_pending_order_cannot_get_an_operator_dispute(client, operator, seller):
    order = order_with_stock(seller=seller)
    client.force_login(operator)
    answer = client.post(
        reverse("admin:disputes_dispute_add"),
        {"order": order.pk, "reason": "product_not_received", "text": "x", "responsible": "Op"},
    )
    assert answer.status_code == 200  # the form again, with the error
    assert not Dispute.objects.exists()
