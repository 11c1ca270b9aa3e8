from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from notifications.models import Notification
from notifications.services import mark_read, unread_count
from orders.models import Order, Status
from orders.services import LineInput, OrderInput, receive_order
from tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


def feed_order(**overrides) -> OrderInput:
    fields = {
        "number": "5001",
        "external_id": "MKT-5001",
        "placed_at": timezone.now() - timedelta(hours=1),
        "buyer_full_name": "Rosa Quispe Mamani",
        "buyer_document_type": "dni",
        "buyer_document_number": "45678912",
        "buyer_email": "rosa@example.pe",
        "shipping_address": "Jr. Junín 455",
        "shipping_district": "Miraflores",
        "lines": [LineInput(sku="POLO-M", name="Polo algodón M", quantity=2, unit_price=Decimal("39.90"))],
        "shipping_total": Decimal("10.00"),
    }
    return OrderInput(**{**fields, **overrides})


def test_a_new_order_is_stored_with_its_deadline_and_totals(seller, site):
    # given a seller whose contract gives 24 h to start handling
    data = feed_order()
    # when the marketplace sends an order
    order, created = receive_order(seller=seller, site=site, data=data)
    # then it waits "Para manejo" with a deadline 24 h after the purchase
    assert created and order.status == Status.PENDING_HANDLING
    assert order.handling_deadline == data.placed_at + timedelta(hours=24)
    assert (order.subtotal, order.total, order.currency) == (Decimal("79.80"), Decimal("89.80"), "PEN")
    assert order.events.get().kind == "received"


def test_the_same_feed_message_twice_makes_one_order(seller, site):
    first, created_first = receive_order(seller=seller, site=site, data=feed_order())
    again, created_again = receive_order(seller=seller, site=site, data=feed_order())
    assert (created_first, created_again) == (True, False)
    assert first.pk == again.pk
    assert Order.objects.filter(site=site, external_id="MKT-5001").count() == 1


def test_an_external_id_of_another_seller_is_a_conflict(seller, site):
    receive_order(seller=seller, site=site, data=feed_order())
    with pytest.raises(Conflict):
        receive_order(seller=SellerFactory(), site=site, data=feed_order())


@pytest.mark.parametrize(
    "overrides",
    [
        {"buyer_document_number": "1234567"},  # DNI with 7 digits
        {"buyer_document_type": "ruc", "buyer_document_number": "2060"},
        {"lines": []},
        {"placed_at": timezone.now() + timedelta(days=2)},
        {"placed_at": timezone.now() - timedelta(days=400)},  # older than a year: a wrong date, not a sale
        {"placed_at": datetime(1900, 1, 1, 12, tzinfo=UTC)},
    ],
)
def test_invalid_feed_orders_are_refused_and_nothing_is_stored(overrides, seller, site):
    with pytest.raises(ValidationFailed):
        receive_order(seller=seller, site=site, data=feed_order(**overrides))
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_order_notifies_every_member_in_panel_and_by_email(seller, site, owner, staff_member, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # when an order arrives (notices go out after commit)
    order, _ = receive_order(seller=seller, site=site, data=feed_order())
    # then each member has one unread notice and an e-mail went out
    assert Notification.objects.filter(order=order, kind="new_order").count() == 2
    assert unread_count(user=owner, seller=seller) == 1
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {owner.email, staff_member.email}
    assert "#5001" in mail.outbox[0].subject
    # and the feed resending it notifies nobody twice
    receive_order(seller=seller, site=site, data=feed_order())
    assert Notification.objects.filter(order=order).count() == 2
    # and reading clears the bell for that member only
    assert mark_read(user=owner, seller=seller) == 1
    assert unread_count(user=owner, seller=seller) == 0
    assert unread_count(user=staff_member, seller=seller) == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_order_notifies_nobody(seller, site, owner, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with pytest.raises(ValidationFailed):
        receive_order(seller=seller, site=site, data=feed_order(lines=[]))
    assert not Notification.objects.exists()
    assert mail.outbox == []
