"""A seller never sees or moves another seller's orders through the API.

The routes come from the URLconf, so a route added later with an order id is covered without editing this.
"""

import pytest
from django.urls import URLPattern

from api.urls import urlpatterns
from disputes.services import request_cancellation
from orders.models import Status
from tests.api.conftest import CANCEL_BODY, EVIDENCE_URL, SHIP_BODY, order_in, snapshot

ORDER_ROUTES = [p for p in urlpatterns if isinstance(p, URLPattern) and "<id:order_id>" in str(p.pattern)]
# a body that would be accepted for the owner, so only ownership can explain a refusal
BODIES = {
    "api-order-ship": SHIP_BODY,
    "api-order-cancel": CANCEL_BODY,
    "api-order-evidence": {"kind": "buyer_receiving", "url": EVIDENCE_URL},
    "api-order-attempts": {"reason": "buyer_absent"},
    "api-order-cancellation-request-reject": {"reason": "Ya lo preparamos"},
    "api-order-payments": {"reference": "OP-778812"},
}
# the owner's control order, when the route needs a particular one
OWNER_ORDER_FIELDS = {"api-order-payments": {"payment_method": "bank_transfer", "payment_status": "pending"}}


@pytest.fixture
def foreign_orders(other_seller, other_owner):
    """Seller B's orders, one in every state."""
    orders = [order_in(status, seller=other_seller, actor=other_owner) for status in Status.values]
    # and an unpaid transfer order, which a payment would change
    transfer = {"payment_method": "bank_transfer", "payment_status": "pending"}
    return [*orders, order_in(Status.PENDING_HANDLING, seller=other_seller, actor=other_owner, **transfer)]


def test_the_urlconf_has_order_routes():
    # guards the enumeration below against silently finding nothing
    assert {p.name for p in ORDER_ROUTES} >= {
        "api-order-detail",
        "api-order-start-handling",
        "api-order-ship",
        "api-order-evidence",
        "api-order-deliver",
        "api-order-cancel",
    }


@pytest.mark.parametrize("route", ORDER_ROUTES, ids=lambda p: p.name)
def test_another_sellers_order_is_404_and_untouched(api, foreign_orders, route):
    methods = [m for m in ("get", "post") if hasattr(route.callback.view_class, m)]
    for order in foreign_orders:
        before = snapshot(order)
        url = "/api/v1/" + str(route.pattern).replace("<id:order_id>", str(order.pk))
        for method in methods:
            # when seller A's device calls the route with seller B's order id
            kwargs = {"format": "json"} if method == "post" else {}
            response = getattr(api, method)(url, BODIES.get(route.name, {}), **kwargs)
            # then it is 404 in the error envelope, and B's order did not move
            assert response.status_code == 404, (route.name, method, order.status, response.content)
            assert response.json()["error"]["code"] in {"not_found", "error"}
        assert snapshot(order) == before


@pytest.mark.parametrize("route", ORDER_ROUTES, ids=lambda p: p.name)
def test_same_route_works_for_the_owner(api, make_order, route):
    # the control case: the same request on A's own order is not a 404
    status = {
        "api-order-ship": Status.READY_TO_SHIP,
        "api-order-evidence": Status.SHIPPED,
        "api-order-deliver": Status.SHIPPED,
        "api-order-attempts": Status.SHIPPED,
    }.get(route.name, Status.PENDING_HANDLING)
    order = make_order(status, **OWNER_ORDER_FIELDS.get(route.name, {}))
    if "cancellation-request" in route.name:  # accept/reject answer the buyer's pending request
        request_cancellation(order_id=order.pk, seller=order.seller)
    url = "/api/v1/" + str(route.pattern).replace("<id:order_id>", str(order.pk))
    method = "post" if hasattr(route.callback.view_class, "post") else "get"
    kwargs = {"format": "json"} if method == "post" else {}
    response = getattr(api, method)(url, BODIES.get(route.name, {}), **kwargs)
    assert response.status_code in {200, 201}, (route.name, response.content)


def test_lists_and_counts_never_include_another_sellers_orders(api, foreign_orders, make_order):
    # given seller A has one order and seller B has one in every state
    mine = make_order()
    # when A lists, filters, searches and counts
    listed = api.get("/api/v1/orders/").json()["results"]
    searched = api.get("/api/v1/orders/", {"search": foreign_orders[0].number}).json()["results"]
    by_status = {s: api.get("/api/v1/orders/", {"status": s}).json()["results"] for s in Status.values}
    counts = api.get("/api/v1/orders/counts/").json()
    # then only A's order appears anywhere
    assert [o["id"] for o in listed] == [mine.pk]
    assert searched == []
    assert sum(len(rows) for rows in by_status.values()) == 1
    assert counts["all"] == 1 and counts["pending_handling"] == 1
