"""`seed_demo`: the demo data `make run` loads, driven through the real services, and safe to load twice."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from core.errors import Conflict
from dashboard.management.commands.seed_demo import DEMO_INTEGRATION_KEY, DEMO_PASSWORD
from fulfillment.services import start_handling
from notifications.models import Notification
from orders.models import IntegrationCredential, Order, OrderEvent, Status, hash_credential
from sellers.models import MarketplaceSite, Membership, Seller

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seeding_twice_adds_nothing_the_second_time():
    # given the demo data loaded once
    seed()
    first = row_counts()
    # when it is loaded again
    seed()
    # then no table has a row more
    assert row_counts() == first
    assert first["orders.Order"] == 100


def test_the_demo_has_two_sites_two_sellers_with_people_and_orders_in_every_state():
    output = seed()
    assert set(MarketplaceSite.objects.values_list("code", flat=True)) == {"plazavea", "oechsle"}
    sellers = list(Seller.objects.all())
    assert len(sellers) == 2 and all(len(s.tax_id) == 11 and s.tax_id.isdigit() for s in sellers)
    for seller in sellers:
        statuses = Counter(Order.objects.filter(seller=seller).values_list("status", flat=True))
        assert set(statuses) == set(Status.values), statuses
        assert sum(statuses.values()) == 50
        assert sorted(Membership.objects.filter(seller=seller).values_list("role", flat=True)) == ["owner", "staff"]
    # every order's status was reached by events, as the workflow writes them
    for order in Order.objects.exclude(status=Status.PENDING_HANDLING):
        assert order.events.filter(to_status=order.status).count() == 1
    assert OrderEvent.objects.filter(kind="received").count() == 100
    # the logins the README gives work
    for username in ("andina", "andina-staff", "costa", "costa-staff", "operador"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    assert authenticate(username="operador", password=DEMO_PASSWORD).is_superuser
    # a few notifications, and the integration key it prints
    assert 0 < Notification.objects.count() <= 20
    assert IntegrationCredential.objects.filter(key_digest=hash_credential(DEMO_INTEGRATION_KEY)).exists()
    assert DEMO_INTEGRATION_KEY in output


def test_some_pending_orders_are_overdue_some_due_soon_and_some_lack_stock():
    from django.utils import timezone

    seed()
    now = timezone.now()
    pending = Order.objects.filter(status=Status.PENDING_HANDLING)
    assert pending.filter(handling_deadline__lt=now).exists()
    assert pending.filter(handling_deadline__gte=now, handling_deadline__lt=now + timezone.timedelta(hours=6)).exists()
    placed = list(Order.objects.values_list("placed_at", flat=True))
    assert min(placed) >= now - timezone.timedelta(days=10)
    assert all(order.buyer_document_number.isdigit() and len(order.buyer_document_number) == 8 for order in pending)
    # "Iniciar manejo" is refused for the orders whose SKU is short
    refused = 0
    for order in pending.select_related("seller"):
        owner = Membership.objects.get(seller=order.seller, role="owner").user
        try:
            start_handling(order_id=order.pk, seller=order.seller, actor=owner)
        except Conflict:
            refused += 1
    assert refused >= 2
