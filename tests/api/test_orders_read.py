"""Reading orders: the list with filters and cursor pages, counts per status, one order's detail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Status
from tests.factories import OrderFactory, OrderLineFactory

LIST_FIELDS = {
    "id",
    "number",
    "channel",
    "site",
    "placed_at",
    "buyer_full_name",
    "total",
    "currency",
    "status",
    "status_display",
    "handling_deadline",
    "payment_method",
    "payment_status",
    "payment_status_display",
    "logistics_mode",
    "allowed_actions",
    "sla",
}


def test_list_shows_the_sellers_orders_newest_first(api, seller):
    # given three orders placed at different times
    now = timezone.now()
    old = OrderFactory(seller=seller, placed_at=now - timedelta(days=3))
    new = OrderFactory(seller=seller, placed_at=now - timedelta(hours=1))
    mid = OrderFactory(seller=seller, placed_at=now - timedelta(days=1), status=Status.SHIPPED)
    # when the device lists orders
    response = api.get("/api/v1/orders/")
    # then they come newest first with the documented fields
    assert response.status_code == 200
    results = response.json()["results"]
    assert [o["id"] for o in results] == [new.pk, mid.pk, old.pk]
    assert set(results[0]) == LIST_FIELDS
    assert results[0]["allowed_actions"] == ["start_handling", "cancel"]
    assert results[1]["allowed_actions"] == ["deliver"]
    assert results[1]["status_display"] == "Enviada"


def test_list_filters(api, seller):
    # given orders in two states, on two days, with distinct buyers
    now = timezone.now()
    pending = OrderFactory(seller=seller, placed_at=now - timedelta(days=5), buyer_full_name="Rosa Huamán")
    shipped = OrderFactory(seller=seller, placed_at=now - timedelta(hours=1), status=Status.SHIPPED)

    def ids(**params):
        response = api.get("/api/v1/orders/", params)
        assert response.status_code == 200, response.content
        return [o["id"] for o in response.json()["results"]]

    # then each filter narrows the list
    assert ids(status="shipped") == [shipped.pk]
    assert ids(search="huamán") == [pending.pk]
    assert ids(search=f"#{shipped.number}") == [shipped.pk]
    assert ids(placed_after=(now - timedelta(days=1)).date().isoformat()) == [shipped.pk]
    assert ids(placed_before=(now - timedelta(days=2)).isoformat()) == [pending.pk]
    assert ids(status="pending_handling", search="nadie") == []


def test_cursor_pages_walk_every_order_once(api, seller):
    # given 7 orders, three of them placed at the very same instant
    same = timezone.now() - timedelta(hours=3)
    orders = [OrderFactory(seller=seller, placed_at=same) for _ in range(3)]
    orders += [OrderFactory(seller=seller, placed_at=same - timedelta(minutes=i + 1)) for i in range(4)]
    # when the device walks pages of 2
    seen, url = [], "/api/v1/orders/?page_size=2"
    while url:
        body = api.get(url).json()
        assert len(body["results"]) <= 2
        seen += [o["id"] for o in body["results"]]
        url = body["next"]
    # then every order appears exactly once, in (-placed_at, -id) order
    expected = sorted(orders, key=lambda o: (o.placed_at, o.pk), reverse=True)
    assert seen == [o.pk for o in expected]


def test_page_size_is_capped_at_100(api, seller):
    OrderFactory.create_batch(105, seller=seller)
    body = api.get("/api/v1/orders/", {"page_size": 500}).json()
    assert len(body["results"]) == 100
    assert body["next"]


@pytest.mark.parametrize("count", [5, 50])
def test_list_runs_a_constant_number_of_queries(api, seller, count, django_assert_max_num_queries):
    # given `count` orders with lines, events and shipments
    for order in OrderFactory.create_batch(count, seller=seller, status=Status.SHIPPED):
        OrderLineFactory(order=order)
    # when the device lists a page holding all of them
    # then the query count does not depend on how many rows the page holds
    # (token with its user, last_used write, membership, page)
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/orders/", {"page_size": 100})
    assert len(response.json()["results"]) == count


def test_counts_per_status(api, seller):
    # given orders in several states
    OrderFactory.create_batch(2, seller=seller)
    OrderFactory(seller=seller, status=Status.SHIPPED)
    # when the device asks for the counts
    body = api.get("/api/v1/orders/counts/").json()
    # then every status is counted, zeros included
    assert body == {
        "pending_handling": 2,
        "ready_to_ship": 0,
        "shipped": 1,
        "delivered": 0,
        "canceled": 0,
        "returned": 0,
        "all": 3,
    }


def test_detail_of_a_pending_order(api, make_order):
    # given a pending order with a line
    order = make_order()
    # when the device opens it
    response = api.get(f"/api/v1/orders/{order.pk}/")
    # then it has lines, buyer, address, totals, deadline and the two pending actions
    assert response.status_code == 200
    body = response.json()
    assert body["lines"][0]["sku"] == order.lines.get().sku
    assert body["buyer"]["document_number"] == order.buyer_document_number
    assert body["shipping"]["district"] == "Lince"
    assert body["totals"]["total"] == "100.00"
    assert body["handling_deadline"]
    assert body["allowed_actions"] == ["start_handling", "cancel"]
    assert body["shipment"] is None and body["cancellation"] is None and body["delivery_evidence"] == []


def test_detail_of_a_canceled_order_shows_the_cancellation(api, make_order):
    order = make_order(Status.CANCELED)
    body = api.get(f"/api/v1/orders/{order.pk}/").json()
    assert body["cancellation"]["cancellation_type"] == "canceled_by_seller"
    assert body["cancellation"]["responsible"] == "Ana Pérez"
    assert body["canceled_at"]
    assert body["allowed_actions"] == []
    assert [e["kind"] for e in body["events"]] == ["cancel"]


def test_unknown_order_is_404(api):
    response = api.get("/api/v1/orders/987654321/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
