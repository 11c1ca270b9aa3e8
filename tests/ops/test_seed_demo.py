"""`seed_demo`: the demo data `make run` loads, driven through the real services with a plausible history,
loaded once: a second run changes nothing."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Q
from django.utils import timezone

from core.errors import Conflict
from dashboard.management.commands.seed_demo import ALREADY_LOADED, DEMO_INTEGRATION_KEY, DEMO_PASSWORD, SELLERS
from evidence.services import add_delivery_evidence, deliver
from fulfillment.models import Penalty
from fulfillment.services import ship, start_handling
from notifications.models import Notification
from orders.models import IntegrationCredential, Order, OrderEvent, Status, hash_credential
from sellers.models import MarketplaceSite, Membership, Seller

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every row of every table by primary key, and what users change on the rows they touch."""
    return {
        "rows": {
            model._meta.label: sorted(model._default_manager.values_list("pk", flat=True))
            for model in apps.get_models()
        },
        "orders": sorted(
            Order.objects.values_list("number", "status", "on_hold_reason", "ship_by_deadline", "updated_at")
        ),
        "notices": sorted(Notification.objects.values_list("pk", "read_at")),
        "passwords": sorted(get_user_model().objects.values_list("username", "password")),
    }


@pytest.mark.django_db(transaction=True)  # the notices are written after commit, as in `make run`
def test_a_second_run_changes_nothing_after_the_users_worked_on_the_demo():
    # given the demo data loaded, and then used: andina starts handling, ships and delivers some of
    # its orders (with new evidence) and changes its password
    seed()
    andina = Seller.objects.get(tax_id=SELLERS[0].tax_id)
    owner = get_user_model().objects.get(username="andina")

    def order(number: str) -> Order:
        return Order.objects.get(seller=andina, number=number)

    start_handling(order_id=order("1310005").pk, seller=andina, actor=owner)
    ship(order_id=order("1310016").pk, seller=andina, actor=owner, carrier="Shalom", tracking_number="SHA123456")
    add_delivery_evidence(
        order_id=order("1310027").pk,
        seller=andina,
        actor=owner,
        kind="buyer_receiving",
        url="https://fotos.tiendaandina.pe/entregas/mia-1310027.jpg",
    )
    deliver(order_id=order("1310027").pk, seller=andina, actor=owner)
    owner.set_password("mi-clave-nueva-2026")
    owner.save()
    before = snapshot()
    assert [order(n).status for n in ("1310005", "1310016", "1310027")] == [
        Status.READY_TO_SHIP,
        Status.SHIPPED,
        Status.DELIVERED,
    ]
    # when `make run` loads the demo again
    output = seed()
    # then it says so and changes nothing at all: no row more or less, no order moved, no notice
    # re-sent or marked read, no password reset
    after = snapshot()
    assert {label: len(pks) for label, pks in after["rows"].items()} == {
        label: len(pks) for label, pks in before["rows"].items()
    }
    assert after == before
    assert ALREADY_LOADED in output
    assert DEMO_INTEGRATION_KEY in output  # the logins and the key are still printed


def test_a_run_that_stopped_half_way_is_reported_and_nothing_changes():
    # given demo sellers but not the demo's last step (its integration key)
    seed()
    IntegrationCredential.objects.filter(key_digest=hash_credential(DEMO_INTEGRATION_KEY)).delete()
    before = snapshot()
    # when it is loaded again, then it refuses, says why, and writes nothing
    with pytest.raises(CommandError, match="incomplete"):
        seed()
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)  # penalties' and warnings' notices are written after commit
def test_the_history_is_plausible_few_penalties_few_unread_notices_times_within_each_order():
    seed()
    now = timezone.now()
    for seller in Seller.objects.all():
        # most orders were handled on time: a handful of penalties, of both rules, to show
        penalties = Penalty.objects.filter(seller=seller)
        assert 0 < penalties.count() <= 5, list(penalties.values_list("order__number", "rule"))
        assert set(penalties.values_list("rule", flat=True)) == {"late_handling", "late_shipping"}
        handled = Order.objects.filter(seller=seller, handling_started_at__isnull=False)
        assert handled.filter(handling_started_at__gt=F("handling_deadline")).count() <= 1
        # "Para envío" orders were handled at different times, so their ship-by deadlines differ
        ship_by = Order.objects.filter(seller=seller, status=Status.READY_TO_SHIP).values_list(
            "ship_by_deadline", flat=True
        )
        assert len({deadline.replace(second=0, microsecond=0) for deadline in ship_by}) >= 5
        assert all(deadline > now for deadline in ship_by)
    # every event happened between the order's purchase and now; the feed sent each order minutes
    # after its purchase
    for event in OrderEvent.objects.select_related("order"):
        assert event.order.placed_at <= event.created_at <= now, (event.order.number, event.kind, event.created_at)
        if event.kind == "received":
            assert event.created_at - event.order.placed_at < timezone.timedelta(minutes=10)
    for order in Order.objects.exclude(shipped_at=None):
        assert order.placed_at <= order.handling_started_at <= order.shipped_at <= now
    # each member has a few unread notices, not one per seeded order
    for membership in Membership.objects.select_related("user", "seller"):
        unread = Notification.objects.filter(user=membership.user, seller=membership.seller, read_at=None)
        assert 0 < unread.count() <= 5, membership.user.username
    assert not Notification.objects.filter(Q(created_at__gt=now) | Q(read_at__gt=now)).exists()


def test_the_demo_has_two_sites_two_sellers_with_people_and_orders_in_every_state():
    output = seed()
    assert set(MarketplaceSite.objects.values_list("code", flat=True)) == {"plazavea", "oechsle"}
    sellers = list(Seller.objects.all())
    assert len(sellers) == 2 and all(len(s.tax_id) == 11 and s.tax_id.isdigit() for s in sellers)
    for seller in sellers:
        statuses = Counter(Order.objects.filter(seller=seller).values_list("status", flat=True))
        assert set(statuses) == set(Status.values), statuses
        assert sum(statuses.values()) == 51
        # 50 from the marketplace, and one manual order («Venta directa») taken by phone or in the store
        assert Order.objects.filter(seller=seller, channel="marketplace").count() == 50
        assert Order.objects.filter(seller=seller, channel="direct", site=None, number="V-000001").count() == 1
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


def test_each_seller_has_a_manual_order_one_already_paid():
    seed()
    direct = {order.seller.tax_id: order for order in Order.objects.filter(channel="direct").select_related("seller")}
    andina, costa = direct[SELLERS[0].tax_id], direct[SELLERS[1].tax_id]
    # Andina's was paid at the counter («Pago ya procesado»); Costa's waits for a bank transfer
    assert (andina.payment_method, andina.payment_status, andina.delivery_method) == ("cash", "paid", "pickup_point")
    assert (costa.payment_method, costa.payment_status) == ("bank_transfer", "pending")
    for order in (andina, costa):
        assert order.status == Status.PENDING_HANDLING
        created = order.events.get(kind="created_manually")
        assert created.actor is not None and order.placed_at <= created.created_at <= timezone.now()
    assert andina.events.filter(kind="payment_registered").count() == 1
    assert not Penalty.objects.filter(order__channel="direct").exists()


def test_some_pending_orders_are_overdue_some_due_soon_and_some_lack_stock():
    seed()
    now = timezone.now()
    pending = Order.objects.filter(status=Status.PENDING_HANDLING)
    assert pending.filter(handling_deadline__lt=now).exists()
    assert pending.filter(handling_deadline__gte=now, handling_deadline__lt=now + timezone.timedelta(hours=6)).exists()
    placed = list(Order.objects.values_list("placed_at", flat=True))
    assert min(placed) >= now - timezone.timedelta(days=10)
    assert all(
        order.buyer_document_number.isdigit() and len(order.buyer_document_number) == 8
        for order in pending.filter(channel="marketplace")
    )
    # "Iniciar manejo" is refused for the orders whose SKU is short
    refused = 0
    for order in pending.select_related("seller"):
        owner = Membership.objects.get(seller=order.seller, role="owner").user
        try:
            start_handling(order_id=order.pk, seller=order.seller, actor=owner)
        except Conflict:
            refused += 1
    assert refused >= 2
