"""Idempotency-Key: a retry gets the first answer and no second effect; another body with the key is 409."""

import threading

import pytest
from django.db import connection

from core.models import IdempotencyRecord
from fulfillment.models import Shipment
from orders.models import Status
from tests.api.conftest import CANCEL_BODY, SHIP_BODY, client_with_token, order_in, token_for


def ship_url(order):
    return f"/api/v1/orders/{order.pk}/ship/"


def test_same_key_twice_gives_one_effect_and_the_same_answer(api, make_order):
    # given an order ready to ship
    order = make_order(Status.READY_TO_SHIP)
    # when the device sends "ship" twice with one key (a retry after a lost answer)
    first = api.post(ship_url(order), SHIP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(ship_url(order), SHIP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # then both answers are the same 200, the second marked as a replay
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first["Idempotent-Replay"] == "false" and second["Idempotent-Replay"] == "true"
    # and the order shipped once: one event, one shipment
    assert order.events.filter(kind="ship").count() == 1
    assert Shipment.objects.filter(order=order).count() == 1


def test_without_a_key_a_repeat_is_refused_by_the_state_machine(api, make_order):
    # given an order ready to ship, shipped once without a key
    order = make_order(Status.READY_TO_SHIP)
    assert api.post(ship_url(order), SHIP_BODY, format="json").status_code == 200
    # when the same request comes again without a key
    response = api.post(ship_url(order), SHIP_BODY, format="json")
    # then it is a 409, still one shipment
    assert response.status_code == 409
    assert Shipment.objects.filter(order=order).count() == 1


def test_a_refusal_is_replayed_too(api, make_order):
    # given a pending order (cannot ship yet)
    order = make_order()
    # when "ship" is sent twice with one key
    first = api.post(ship_url(order), SHIP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-409")
    second = api.post(ship_url(order), SHIP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-409")
    # then both are the same 409
    assert first.status_code == second.status_code == 409
    assert first.json() == second.json()


def test_same_key_with_another_body_is_409(api, make_order):
    # given a shipment sent with key k-2
    order = make_order(Status.READY_TO_SHIP)
    api.post(ship_url(order), SHIP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    # when the key is reused with another tracking number
    other = {**SHIP_BODY, "tracking_number": "OTRO-999"}
    response = api.post(ship_url(order), other, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    # then 409 names the key, and the shipment keeps the first number
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Shipment.objects.get(order=order).tracking_number == SHIP_BODY["tracking_number"]


def test_same_key_on_another_endpoint_is_409(api, make_order):
    # given a key used to start handling one order
    order = make_order()
    api.post(f"/api/v1/orders/{order.pk}/start-handling/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    # when the same key is sent to cancel another order
    other = make_order()
    response = api.post(f"/api/v1/orders/{other.pk}/cancel/", CANCEL_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    # then 409, and the other order is still pending
    assert response.status_code == 409
    other.refresh_from_db()
    assert other.status == Status.PENDING_HANDLING


def test_keys_belong_to_their_user(api, make_order, staff_member, client_for):
    # given the owner used key k-4 to start handling an order
    first, second = make_order(), make_order()
    api.post(f"/api/v1/orders/{first.pk}/start-handling/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    # when a colleague uses the same key for another order
    response = client_for(staff_member).post(
        f"/api/v1/orders/{second.pk}/start-handling/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-4"
    )
    # then it is a fresh request, not the owner's replay
    assert response.status_code == 200
    assert response.json()["id"] == second.pk


def test_invalid_input_is_not_remembered(api, make_order):
    # given a shipment refused by the serializer for a missing carrier
    order = make_order(Status.READY_TO_SHIP)
    bad = api.post(ship_url(order), {"tracking_number": "X"}, format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    assert bad.status_code == 400
    # when the device fixes the body and retries with... a new key (the body changed)
    good = api.post(ship_url(order), SHIP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-6")
    # then it ships
    assert good.status_code == 200
    assert not IdempotencyRecord.objects.filter(key="k-5").exists()


def test_evidence_upload_replay_stores_one_file(api, make_order):
    from tests.api.test_bad_input import png_upload

    # given a shipped order without evidence
    order = make_order(Status.SHIPPED, with_evidence=False)
    # when the same photo is posted twice with one key
    url = f"/api/v1/orders/{order.pk}/evidence/"
    first = api.post(url, {"kind": "buyer_receiving", "file": png_upload()}, HTTP_IDEMPOTENCY_KEY="k-7")
    second = api.post(url, {"kind": "buyer_receiving", "file": png_upload()}, HTTP_IDEMPOTENCY_KEY="k-7")
    # then both answers are the same 201 and one evidence exists
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert order.delivery_evidence.count() == 1


def test_an_unexpected_failure_is_forgotten_so_the_retry_runs(api, make_order, monkeypatch):
    # given the first attempt with key k-8 crashes inside the service (a bug, a lost connection)
    order = make_order()

    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("api.orders.start_handling", crash)
    with pytest.raises(RuntimeError):
        api.post(f"/api/v1/orders/{order.pk}/start-handling/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-8")
    monkeypatch.undo()
    # when the device retries with the same key
    response = api.post(f"/api/v1/orders/{order.pk}/start-handling/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-8")
    # then the action runs for real this time
    assert response.status_code == 200
    assert response["Idempotent-Replay"] == "false"
    assert order.events.filter(kind="start_handling").count() == 1


def test_overlong_key_is_400(api, make_order):
    order = make_order(Status.READY_TO_SHIP)
    response = api.post(ship_url(order), SHIP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert Shipment.objects.filter(order=order).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_have_one_effect(seller, owner):
    # given an order ready to ship and two connections from the same device
    order = order_in(Status.READY_TO_SHIP, seller=seller, actor=owner)
    token = token_for(owner)
    barrier = threading.Barrier(2)
    answers = []

    def send():
        try:
            client = client_with_token(token)
            barrier.wait(timeout=10)
            response = client.post(ship_url(order), SHIP_BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-race")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    # when both send "ship" with the same key at once
    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then both get the same 200 answer and the order shipped once
    assert len(answers) == 2
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert order.events.filter(kind="ship").count() == 1
    assert Shipment.objects.filter(order=order).count() == 1
