"""Every action from every state through the API: the allowed ones move the order, the rest are 409."""

import pytest

from orders.models import Status
from orders.workflow import SELLER_ACTIONS, TRANSITIONS
from tests.api.conftest import CANCEL_BODY, SHIP_BODY, snapshot

BODIES = {"start_handling": {}, "ship": SHIP_BODY, "deliver": {}, "cancel": CANCEL_BODY}
PATHS = {"start_handling": "start-handling", "ship": "ship", "deliver": "deliver", "cancel": "cancel"}
CASES = [(action, status) for action in SELLER_ACTIONS for status in Status.values]


def url(order, action):
    return f"/api/v1/orders/{order.pk}/{PATHS[action]}/"


@pytest.mark.parametrize(
    ("action", "status"), [case for case in CASES if case[1] in TRANSITIONS[case[0]].sources], ids=lambda v: str(v)
)
def test_allowed_transition_moves_the_order(api, make_order, action, status):
    # given an order in the action's source state
    order = make_order(status)
    # when the seller's device posts the action
    response = api.post(url(order, action), BODIES[action], format="json")
    # then the answer is the order in the target state, with one event for it
    assert response.status_code == 200, response.content
    target = TRANSITIONS[action].target
    assert response.json()["status"] == target
    order.refresh_from_db()
    assert order.status == target
    assert order.events.filter(kind=action).count() == 1
    assert getattr(order, TRANSITIONS[action].timestamp_field) is not None
    assert response.json()["allowed_actions"] == [a for a in SELLER_ACTIONS if target in TRANSITIONS[a].sources]


@pytest.mark.parametrize(
    ("action", "status"), [case for case in CASES if case[1] not in TRANSITIONS[case[0]].sources], ids=lambda v: str(v)
)
def test_refused_transition_is_409_and_changes_nothing(api, make_order, action, status):
    # given an order in a state the action does not start from
    order = make_order(status)
    before = snapshot(order)
    # when the seller's device posts the action anyway
    response = api.post(url(order, action), BODIES[action], format="json")
    # then it is refused with 409 and the error envelope, and the order is as it was
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["message"]
    assert snapshot(order) == before


def test_start_handling_without_stock_is_409_naming_the_sku(api, make_order):
    # given a pending order that needs 5 units of a SKU with 1 on hand
    order = make_order(quantity=5, on_hand=1)
    sku = order.lines.get().sku
    before = snapshot(order)
    # when the seller starts handling it
    response = api.post(url(order, "start_handling"), {}, format="json")
    # then 409 names the short SKU and nothing moved
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stock_unavailable"
    assert sku in response.json()["error"]["message"]
    assert snapshot(order) == before


def test_deliver_without_evidence_is_409(api, make_order):
    # given a shipped order with no delivery evidence
    order = make_order(Status.SHIPPED, with_evidence=False)
    before = snapshot(order)
    # when the seller marks it delivered
    response = api.post(url(order, "deliver"), {}, format="json")
    # then it is refused and stays shipped
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "evidence_required"
    assert snapshot(order) == before


def test_full_journey_through_the_api(api, make_order, tmp_path):
    # given a pending order
    order = make_order()
    # when the device runs the whole workflow, uploading a photo as evidence
    assert api.post(url(order, "start_handling"), {}, format="json").status_code == 200
    assert api.post(url(order, "ship"), SHIP_BODY, format="json").status_code == 200
    from tests.api.test_bad_input import png_upload

    evidence = api.post(f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "file": png_upload()})
    assert evidence.status_code == 201, evidence.content
    response = api.post(url(order, "deliver"), {}, format="json")
    # then the order is delivered with its shipment, evidence and timeline in the detail
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == Status.DELIVERED
    assert body["shipment"]["tracking_number"] == SHIP_BODY["tracking_number"]
    assert body["delivery_evidence"][0]["download_url"].startswith("http://testserver/api/v1/evidence/")
    assert body["delivery_evidence"][0]["content_type"] == "image/png"
    kinds = [event["kind"] for event in body["events"]]
    assert kinds == ["start_handling", "ship", "evidence_added", "deliver"]
    assert body["delivered_at"] and body["shipped_at"] and body["handling_started_at"]
