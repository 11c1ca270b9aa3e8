"""The stock API: list with filters and pages, one SKU with its movements, single and bulk PUT."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import MovementReason, StockItem, StockMovement
from fulfillment.services import start_handling
from orders.models import Status
from tests.api.conftest import client_with_token, token_for
from tests.factories import OrderFactory, OrderLineFactory, StockItemFactory, order_with_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner):
    return client_with_token(token_for(owner))


def test_the_list_shows_on_hand_reserved_available_and_filters(api, seller, other_seller, owner):
    # given an empty SKU, a low one (threshold 5 by default), a plentiful one with a reservation
    StockItemFactory(seller=seller, sku="EMPTY", quantity_on_hand=0)
    StockItemFactory(seller=seller, sku="LOW", quantity_on_hand=3)
    order = order_with_stock(seller=seller, quantity=4, on_hand=20)
    plenty = order.lines.get().sku
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    StockItemFactory(seller=other_seller, sku="THEIRS")
    # when the device lists them
    rows = api.get("/api/v1/stock/").json()["results"]
    by_sku = {row["sku"]: row for row in rows}
    # then only the seller's, with the numbers
    assert set(by_sku) == {"EMPTY", "LOW", plenty}
    assert (by_sku[plenty]["quantity_on_hand"], by_sku[plenty]["quantity_reserved"], by_sku[plenty]["available"]) == (
        20,
        4,
        16,
    )
    assert by_sku["LOW"]["low_stock_threshold"] == 5 and by_sku["LOW"]["low_stock_threshold_own"] is None
    # and the filters
    assert [r["sku"] for r in api.get("/api/v1/stock/?status=out_of_stock").json()["results"]] == ["EMPTY"]
    assert [r["sku"] for r in api.get("/api/v1/stock/?status=low_stock").json()["results"]] == ["LOW"]
    assert [r["sku"] for r in api.get("/api/v1/stock/?search=low").json()["results"]] == ["LOW"]
    assert [r["sku"] for r in api.get("/api/v1/stock/?sort=-available").json()["results"]][0] == plenty
    assert api.get("/api/v1/stock/?status=nope").status_code == 400


def test_the_list_pages_with_a_cursor(api, seller):
    for index in range(7):
        StockItemFactory(seller=seller, sku=f"P-{index}")
    first = api.get("/api/v1/stock/?page_size=5").json()
    second = api.get(first["next"]).json()
    assert [r["sku"] for r in first["results"] + second["results"]] == [f"P-{i}" for i in range(7)]


def test_the_list_costs_the_same_queries_however_many_skus(api, seller):
    StockItemFactory(seller=seller)
    api.get("/api/v1/stock/")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/stock/")
    StockItemFactory.create_batch(20, seller=seller)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/stock/").json()["results"]) == 21
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_one_sku_with_its_movements(api, seller, owner):
    item = StockItemFactory(seller=seller, sku="A/1", quantity_on_hand=3)  # a "/" in a SKU still routes
    answer = api.put("/api/v1/stock/A/1/", {"quantity": 8}, format="json")
    assert answer.status_code == 200, answer.content
    body = api.get("/api/v1/stock/A/1/").json()
    assert body["quantity_on_hand"] == 8
    latest = body["movements"][0]
    assert (latest["reason"], latest["delta_on_hand"], latest["on_hand_after"], latest["actor_kind"]) == (
        MovementReason.MANUAL,
        5,
        8,
        "member",
    )
    assert latest["actor_label"] == owner.get_full_name()
    assert item.movements.count() == 2


def test_single_put_sets_the_threshold_and_refuses_bad_input(api, seller):
    StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=3)
    answer = api.put("/api/v1/stock/A-1/", {"quantity": 3, "low_stock_threshold": 2}, format="json")
    assert answer.json()["low_stock_threshold"] == 2
    for body in (
        {},
        {"quantity": -1},
        {"quantity": "x"},
        {"quantity": 1.5},
        {"quantity": 1, "low_stock_threshold": -2},
    ):
        answer = api.put("/api/v1/stock/A-1/", body, format="json")
        assert answer.status_code == 400, body
        assert answer.json()["error"]["fields"]
    assert StockItem.objects.get(sku="A-1").quantity_on_hand == 3


def test_below_reserved_is_409_naming_the_orders(api, seller, owner):
    order = order_with_stock(seller=seller, quantity=3, on_hand=5)
    sku = order.lines.get().sku
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    answer = api.put(f"/api/v1/stock/{sku}/", {"quantity": 1}, format="json")
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "stock_below_reserved" and error["fields"]["orders"] == [order.number]
    assert f"#{order.number}" in error["message"]
    answer = api.put("/api/v1/stock/", {"items": [{"sku": sku, "quantity": 2}]}, format="json")
    assert answer.status_code == 409 and answer.json()["error"]["fields"]["orders"] == [order.number]


def test_bulk_put_is_all_or_nothing_and_idempotent(api, seller, other_seller):
    StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=5)
    StockItemFactory(seller=seller, sku="A-2", quantity_on_hand=5)
    StockItemFactory(seller=other_seller, sku="THEIRS", quantity_on_hand=5)
    # another seller's SKU in the body: 404, nothing applied anywhere
    answer = api.put(
        "/api/v1/stock/", {"items": [{"sku": "A-1", "quantity": 1}, {"sku": "THEIRS", "quantity": 0}]}, format="json"
    )
    assert answer.status_code == 404 and answer.json()["error"]["fields"]["sku"] == ["THEIRS"]
    assert StockItem.objects.get(sku="A-1").quantity_on_hand == 5
    assert StockItem.objects.get(sku="THEIRS").quantity_on_hand == 5
    # a bad item: 400 naming it
    answer = api.put("/api/v1/stock/", {"items": [{"sku": "A-1", "quantity": "x"}]}, format="json")
    assert answer.status_code == 400 and "items[0].quantity" in answer.json()["error"]["fields"]
    # a good call, sent twice with the same key: applied once, the same answer
    body = {"items": [{"sku": "A-1", "quantity": 1}, {"sku": "A-2", "quantity": 9}]}
    first = api.put("/api/v1/stock/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.put("/api/v1/stock/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again["Idempotent-Replay"] == "true"
    assert {r["sku"]: r["quantity_on_hand"] for r in first.json()["items"]} == {"A-1": 1, "A-2": 9}
    # and without a key, the same absolute quantities change nothing twice
    api.put("/api/v1/stock/", body, format="json")
    assert StockMovement.objects.filter(reason=MovementReason.BULK).count() == 2


def test_bulk_put_over_1000_items_is_400(api, seller):
    items = [{"sku": f"S{i}", "quantity": 1} for i in range(1001)]
    assert api.put("/api/v1/stock/", {"items": items}, format="json").status_code == 400


def test_start_handling_refusal_names_short_skus_with_where_to_set_them(api, seller, site):
    # given an order for a SKU that arrived with 0 on hand
    order = OrderFactory(seller=seller, site=site)
    OrderLineFactory(order=order, sku="NEW-1", quantity=2)
    StockItemFactory(seller=seller, sku="NEW-1", quantity_on_hand=0)
    # when the device starts handling: 409 with the SKU and its stock URL
    answer = api.post(f"/api/v1/orders/{order.pk}/start-handling/")
    assert answer.status_code == 409
    fields = answer.json()["error"]["fields"]
    assert fields["sku"] == ["NEW-1"] and fields["stock_url"] == ["/api/v1/stock/NEW-1/"]
    # when the stock is set there, then «Iniciar manejo» works
    assert api.put(fields["stock_url"][0], {"quantity": 2}, format="json").status_code == 200
    assert api.post(f"/api/v1/orders/{order.pk}/start-handling/").json()["status"] == Status.READY_TO_SHIP
