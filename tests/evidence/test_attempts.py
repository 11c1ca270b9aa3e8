"""Failed delivery attempts (own courier): recorded from «Enviada» only; the contract's last one returns the order."""

import pytest
from django.urls import reverse

from core.errors import Conflict
from evidence.models import AttemptReason, DeliveryAttempt
from evidence.services import record_failed_attempt
from notifications.models import Notification
from orders.models import Status
from sellers.models import LogisticsMode
from tests.api.conftest import order_in, snapshot
from tests.evidence.conftest import PDF, jpeg_bytes, upload
from tests.services.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(seller, owner):
    return order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)


def attempt(device, order, reason="buyer_absent", **extra):
    return device.post(f"/api/v1/orders/{order.pk}/attempts/", {"reason": reason, **extra})


@pytest.mark.parametrize("reason", AttemptReason.values)
def test_each_reason_is_recorded_as_an_event_shown_in_the_api_and_the_timeline(
    reason, device, client, owner, shipped, django_capture_on_commit_callbacks
):
    # when the seller's courier reports a failed attempt with this reason
    with django_capture_on_commit_callbacks(execute=True):
        answer = attempt(device, shipped, reason, note="Nadie abrió")
    # then it is attempt 1, the order is still «Enviada», and the members are told
    assert answer.status_code == 201, answer.content
    assert answer.json()["number"] == 1 and answer.json()["order_status"] == Status.SHIPPED
    assert answer.json()["reason_display"] == AttemptReason(reason).label
    assert Notification.objects.filter(user=owner, kind="delivery_attempt", order=shipped).count() == 1
    # and it is an OrderEvent, listed by the API and shown in the dashboard's timeline and attempts section
    detail = device.get(f"/api/v1/orders/{shipped.pk}/").json()
    assert [a["reason"] for a in detail["delivery_attempts"]] == [reason]
    event = next(e for e in detail["events"] if e["kind"] == "delivery_attempt_failed")
    assert event["payload"]["reason"] == reason and event["payload"]["number"] == 1
    assert device.get(f"/api/v1/orders/{shipped.pk}/attempts/").json()[0]["reason"] == reason
    client.force_login(owner)
    page = client.get(reverse("dashboard:order_detail", args=[shipped.pk])).content.decode()
    assert 'data-kind="delivery_attempt_failed"' in page and str(AttemptReason(reason).label) in page


def test_the_last_allowed_attempt_returns_the_order_and_tells_the_members(
    device, owner, staff_member, shipped, django_capture_on_commit_callbacks, mailoutbox
):
    # given the default contract: 3 attempts
    assert shipped.seller.contract.max_delivery_attempts == 3
    with django_capture_on_commit_callbacks(execute=True):
        first = attempt(device, shipped, "buyer_absent")
        second = attempt(device, shipped, "bad_address", photo=upload("puerta.jpg", jpeg_bytes()))
    assert [first.json()["order_status"], second.json()["order_status"]] == [Status.SHIPPED, Status.SHIPPED]
    assert second.json()["photo_url"].endswith(f"/api/v1/attempts/{second.json()['id']}/photo/")
    # when the third fails
    with django_capture_on_commit_callbacks(execute=True):
        third = attempt(device, shipped, "refused_by_buyer")
    # then the order is «Devuelta al vendedor», by the workflow's own action, once
    assert third.json()["number"] == 3 and third.json()["order_status"] == Status.RETURNED
    shipped.refresh_from_db()
    assert shipped.status == Status.RETURNED and shipped.returned_at is not None
    assert shipped.events.filter(kind="return_to_seller").count() == 1
    # and every member is told, in the panel and by e-mail
    for user in (owner, staff_member):
        assert Notification.objects.filter(user=user, kind="order_returned", order=shipped).count() == 1
    assert any("devuelta" in mail.subject.lower() for mail in mailoutbox)
    # and no fourth attempt is recorded on a returned order
    assert attempt(device, shipped, "buyer_absent").status_code == 409
    assert DeliveryAttempt.objects.filter(order=shipped).count() == 3


def test_a_contract_of_one_attempt_returns_at_the_first(device, shipped):
    contract = shipped.seller.contract
    contract.max_delivery_attempts = 1
    contract.save()
    assert attempt(device, shipped).json()["order_status"] == Status.RETURNED


@pytest.mark.parametrize(
    "status", [Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.DELIVERED, Status.CANCELED, Status.RETURNED]
)
def test_no_attempt_is_recorded_outside_shipped(status, device, seller, owner):
    order = order_in(status, seller=seller, actor=owner)
    before = snapshot(order)
    answer = attempt(device, order)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "invalid_state"
    assert snapshot(order) == before and not DeliveryAttempt.objects.filter(order=order).exists()


def test_the_marketplace_courier_orders_take_no_attempt_from_the_seller(device, seller, owner):
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, logistics_mode=LogisticsMode.MARKETPLACE_COURIER)
    assert attempt(device, order).status_code == 409
    # the marketplace's courier reports through the system (no member as actor)
    record_failed_attempt(order_id=order.pk, seller=seller, actor=None, reason="buyer_absent")
    assert DeliveryAttempt.objects.filter(order=order).count() == 1


def test_bad_attempt_input_is_4xx_and_stores_nothing(device, shipped, settings):
    before = snapshot(shipped)
    assert attempt(device, shipped, "lost_in_space").status_code == 400
    assert attempt(device, shipped, photo=upload("guia.pdf", PDF)).status_code == 415
    assert attempt(device, shipped, attempted_at="2099-01-01T10:00:00-05:00").status_code == 400
    assert snapshot(shipped) == before and not DeliveryAttempt.objects.exists()
    media = settings.MEDIA_ROOT / "evidence"
    assert not media.exists() or not any(media.iterdir())


def test_the_dashboard_records_an_attempt(client, owner, shipped):
    client.force_login(owner)
    page = client.get(reverse("dashboard:order_detail", args=[shipped.pk])).content.decode()
    assert 'data-evidence-action="attempt"' in page
    response = client.post(
        reverse("dashboard:record_attempt", args=[shipped.pk]),
        {"reason": "dangerous_area", "note": "Zona sin acceso"},
        follow=True,
    )
    assert "Intento de entrega registrado" in response.content.decode()
    assert DeliveryAttempt.objects.get(order=shipped).reason == "dangerous_area"


@pytest.mark.django_db(transaction=True)
def test_two_attempts_at_once_neither_skip_nor_double_the_return(seller, owner, staff_member):
    # given an order with 2 of 3 attempts already failed
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    for reason in ("buyer_absent", "bad_address"):
        record_failed_attempt(order_id=order.pk, seller=seller, actor=owner, reason=reason)
    # when the owner and a staff member record the third at the same moment
    outcomes = run_at_once(
        2,
        lambda: record_failed_attempt(order_id=order.pk, seller=seller, actor=owner, reason="buyer_absent"),
    )
    # then one is attempt 3 and returns the order; the other finds it returned (409)
    recorded = [o for o in outcomes if isinstance(o, DeliveryAttempt)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(recorded) == 1 and len(refused) == 1, outcomes
    order.refresh_from_db()
    assert order.status == Status.RETURNED
    assert list(DeliveryAttempt.objects.filter(order=order).values_list("number", flat=True)) == [1, 2, 3]
    assert order.events.filter(kind="return_to_seller").count() == 1
    assert order.events.filter(kind="delivery_attempt_failed").count() == 3
