"""Every list and detail page costs a constant number of queries, however many rows it shows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.services import set_stock
from disputes.services import open_dispute, post_message
from evidence.services import add_delivery_evidence
from fulfillment.deadlines import enforce_deadlines
from fulfillment.services import start_handling
from notifications.models import Notification
from orders.models import Status
from sellers.models import DeviceToken
from tests.factories import (
    OrderFactory,
    OrderLineFactory,
    StockItemFactory,
    manual_order,
    order_in_status,
    order_with_stock,
)

pytestmark = pytest.mark.django_db


def add_rows(kind: str, n: int, *, seller, owner) -> int:
    """`n` more rows of `kind` for the seller; returns the id of an object to open for detail pages."""
    if kind in ("payments", "order payments"):
        # transfers paid in two parts by the seller, card orders paid at the marketplace and refunded
        from payments.services import record_feed_payment, register_payment

        order = OrderFactory(seller=seller, payment_method="bank_transfer", payment_status="pending", total=10**6)
        for i in range(n):
            transfer = order_with_stock(seller=seller, payment_method="bank_transfer", payment_status="pending")
            register_payment(order_id=transfer.pk, seller=seller, actor=owner, amount="40", reference=f"A{i}")
            register_payment(order_id=transfer.pk, seller=seller, actor=owner, reference=f"B{i}")
            card = OrderFactory(seller=seller)
            record_feed_payment(order_id=card.pk, seller=seller, reference=f"R{i}", status="refunded", amount="5")
            register_payment(order_id=order.pk, seller=seller, actor=owner, amount="1", reference=f"C{i}")
        return order.pk if kind == "order payments" else 0
    if kind == "penalties":
        for _ in range(n):
            OrderFactory(seller=seller, placed_at=timezone.now() - timedelta(hours=30))
        enforce_deadlines()
    elif kind == "disputes":
        for _ in range(n):
            order = order_in_status(Status.READY_TO_SHIP, seller=seller, actor=owner)
            dispute, _created = open_dispute(
                order_id=order.pk,
                seller=seller,
                actor=owner,
                party="seller",
                reason_code="canceled_by_seller",
                text="Quiebre de stock",
                responsible="Ana",
            )
            post_message(dispute_id=dispute.pk, seller=seller, actor=owner, party="seller", text="Detalle")
    elif kind == "notifications":
        order = OrderFactory(seller=seller)
        Notification.objects.bulk_create(
            Notification(user=owner, seller=seller, order=order, kind="order_updated", text=f"n{i}") for i in range(n)
        )
    elif kind == "direct sales":
        for _ in range(n):
            manual_order(seller=seller, actor=owner)
    elif kind == "skus":
        for _ in range(n):
            StockItemFactory(seller=seller)
    elif kind == "order":
        order = order_in_status(Status.SHIPPED, seller=seller, actor=owner, evidence_url="https://f.example.pe/1.jpg")
        for i in range(n):
            OrderLineFactory(order=order)
            add_delivery_evidence(
                order_id=order.pk, seller=seller, actor=owner, kind="buyer_receiving", url=f"https://f.example.pe/{i}"
            )
        return order.pk
    elif kind == "stock":
        StockItemFactory.create_batch(n, seller=seller)
    elif kind == "stock item":
        item = seller.stock_items.filter(sku="QC-1").first() or StockItemFactory(seller=seller, sku="QC-1")
        for i in range(n):
            order = order_with_stock(seller=seller, on_hand=1)
            order.lines.update(sku="QC-1")
            set_stock(seller=seller, sku="QC-1", quantity=item.quantity_on_hand + 10 + i, actor=owner)
            start_handling(order_id=order.pk, seller=seller, actor=owner)
        return item.pk
    return 0


PAGES = {
    # name: (kind of rows, url builder, interface)
    "api payments": ("payments", lambda _id: "/api/v1/payments/", "api"),
    "dashboard payments": ("payments", lambda _id: "/payments/", "web"),
    "api order payments": ("order payments", lambda pk: f"/api/v1/orders/{pk}/payments/", "api"),
    "api penalties": ("penalties", lambda _id: "/api/v1/penalties/", "api"),
    "api disputes": ("disputes", lambda _id: "/api/v1/disputes/", "api"),
    "api order detail": ("order", lambda pk: f"/api/v1/orders/{pk}/", "api"),
    "dashboard penalties": ("penalties", lambda _id: "/penalties/", "web"),
    "dashboard disputes": ("disputes", lambda _id: "/disputes/", "web"),
    "dashboard notifications": ("notifications", lambda _id: "/notifications/", "web"),
    "dashboard order detail": ("order", lambda pk: f"/orders/{pk}/", "web"),
    "api stock": ("stock", lambda _id: "/api/v1/stock/", "api"),
    "api stock detail": ("stock item", lambda _id: "/api/v1/stock/QC-1/", "api"),
    "dashboard stock": ("stock", lambda _id: "/stock/", "web"),
    "dashboard stock item": ("stock item", lambda pk: f"/stock/{pk}/", "web"),
    "api direct sales": ("direct sales", lambda _id: "/api/v1/orders/?channel=direct", "api"),
    "dashboard direct sales": ("direct sales", lambda _id: "/?channel=direct", "web"),
    "dashboard new order": ("skus", lambda _id: "/orders/new/", "web"),
}


@pytest.mark.parametrize("page_name", PAGES)
def test_queries_do_not_grow_with_rows(page_name, seller, owner, django_assert_max_num_queries):
    kind, url_for, interface = PAGES[page_name]
    client = APIClient()
    if interface == "api":
        client.credentials(HTTP_AUTHORIZATION=f"Token {DeviceToken.objects.create(user=owner, device_name='t')[1]}")
    else:
        client.force_login(owner)
    # given a few rows, counted once
    pk = add_rows(kind, 2, seller=seller, owner=owner)
    client.get(url_for(pk))  # warm-up: sessions, token bookkeeping
    with CaptureQueriesContext(connection) as few:
        assert client.get(url_for(pk)).status_code == 200
    budget = len(few.captured_queries)  # read now: every request clears the connection's query log
    assert budget > 0
    # when there are many more
    pk = add_rows(kind, 12, seller=seller, owner=owner) or pk
    client.get(url_for(pk))
    # then the page costs no more queries
    with django_assert_max_num_queries(budget):
        assert client.get(url_for(pk)).status_code == 200
