"""The disputes API for devices and the intake endpoints the marketplace calls."""

from __future__ import annotations

import pytest

from disputes.models import CancellationRequest, Dispute, DisputeStatus, Party, RequestStatus
from disputes.services import close_dispute, open_dispute, request_cancellation
from orders.models import Status
from tests.disputes.conftest import fake_png, png_upload, state

pytestmark = pytest.mark.django_db


def buyer_dispute(order):
    dispute, _ = open_dispute(
        order_id=order.pk,
        seller=order.seller,
        actor=None,
        party=Party.BUYER,
        reason_code="product_damaged",
        text="Llegó roto",
        responsible="Comprador",
    )
    return dispute


def assert_error(response, status_code: int, field: str | None = None):
    assert response.status_code == status_code, response.content
    body = response.json()["error"]
    assert body["message"]
    if field:
        assert field in body["fields"], body


# --- devices ----------------------------------------------------------------------------------------


def test_the_seller_opens_a_dispute_and_lists_and_reads_it(api, order_in):
    order = order_in(Status.READY_TO_SHIP)
    body = {"order_id": order.pk, "reason": "canceled_by_seller", "text": "Sin stock", "responsible": "Ana Pérez"}
    created = api.post("/api/v1/disputes/", body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert created.status_code == 201, created.content
    replay = api.post("/api/v1/disputes/", body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert replay.status_code == 201 and replay.json()["id"] == created.json()["id"]
    assert Dispute.objects.filter(order=order).count() == 1
    dispute_id = created.json()["id"]
    listed = api.get("/api/v1/disputes/", {"status": "open"}).json()["results"]
    assert [d["id"] for d in listed] == [dispute_id]
    assert api.get("/api/v1/disputes/", {"status": "resolved"}).json()["results"] == []
    detail = api.get(f"/api/v1/disputes/{dispute_id}/").json()
    assert detail["status"] == "open" and detail["reason"] == "canceled_by_seller" and detail["messages"] == []
    # and the order shows it
    assert api.get(f"/api/v1/orders/{order.pk}/").json()["disputes"][0]["id"] == dispute_id


def test_opening_before_handling_is_409_and_for_another_sellers_order_404(api, order_in, other_seller, other_owner):
    from tests.factories import order_in_status

    order = order_in(Status.PENDING_HANDLING)
    body = {"order_id": order.pk, "reason": "canceled_by_seller", "text": "Sin stock", "responsible": "Ana"}
    assert_error(api.post("/api/v1/disputes/", body, format="json"), 409)
    foreign = order_in_status(Status.SHIPPED, seller=other_seller, actor=other_owner)
    assert_error(api.post("/api/v1/disputes/", {**body, "order_id": foreign.pk}, format="json"), 404)
    assert not Dispute.objects.exists()


def test_a_reply_with_attachments_is_201_and_downloadable(api, order_in):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    response = api.post(
        f"/api/v1/disputes/{dispute.pk}/messages/",
        {"text": "Adjunto la guía firmada", "attachments": [png_upload("a.png"), png_upload("b.png")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    attachments = response.json()["attachments"]
    assert len(attachments) == 2
    download = api.get(attachments[0]["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["Cache-Control"].startswith("private")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_BUYER


def test_a_bad_attachment_is_415_and_nothing_is_stored(api, order_in):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    before = state(order)
    response = api.post(
        f"/api/v1/disputes/{dispute.pk}/messages/", {"text": "Mira", "attachments": [fake_png()]}, format="multipart"
    )
    assert_error(response, 415, "file")
    assert state(order) == before


def test_a_reply_to_a_closed_dispute_is_409(api, order_in, operator):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    close_dispute(dispute_id=dispute.pk, actor=operator, note="Retirada por el comprador")
    before = state(order)
    assert_error(api.post(f"/api/v1/disputes/{dispute.pk}/messages/", {"text": "Hola"}, format="json"), 409)
    assert state(order) == before


def test_a_seller_resolving_its_own_dispute_is_403(api, order_in):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    before = state(order)
    response = api.post(f"/api/v1/disputes/{dispute.pk}/resolve/", {"outcome": "for_seller"}, format="json")
    assert_error(response, 403)
    assert response.json()["error"]["code"] == "operator_only"
    assert state(order) == before


def test_accept_the_buyers_request(api, order_in):
    order = order_in(Status.READY_TO_SHIP)
    request_cancellation(order_id=order.pk, seller=order.seller)
    held = api.get(f"/api/v1/orders/{order.pk}/").json()
    assert held["on_hold_reason"] == "cancellation_request" and "ship" not in held["allowed_actions"]
    assert held["cancellation_request"]["status"] == "pending"
    response = api.post(f"/api/v1/orders/{order.pk}/cancellation-request/accept/", HTTP_IDEMPOTENCY_KEY="acc-1")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "canceled" and response.json()["cancellation_request"]["status"] == "accepted"
    replay = api.post(f"/api/v1/orders/{order.pk}/cancellation-request/accept/", HTTP_IDEMPOTENCY_KEY="acc-1")
    assert replay.status_code == 200 and replay["Idempotent-Replay"] == "true"
    assert order.events.filter(kind="accept_cancellation_request").count() == 1


def test_reject_a_shipped_order_needs_its_tracking_number(api, order_in):
    order = order_in(Status.SHIPPED)
    request_cancellation(order_id=order.pk, seller=order.seller)
    url = f"/api/v1/orders/{order.pk}/cancellation-request/reject/"
    before = state(order)
    assert_error(api.post(url, {"reason": "Ya salió"}, format="json"), 400, "tracking_number")
    assert_error(api.post(url, {"reason": "Ya salió", "tracking_number": "X-1"}, format="json"), 400, "tracking_number")
    assert_error(api.post(url, {"tracking_number": "OLV-123456"}, format="json"), 400, "reason")
    assert state(order) == before
    ok = api.post(url, {"reason": "Ya salió", "tracking_number": "OLV-123456"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["on_hold_reason"] == "" and ok.json()["cancellation_request"]["status"] == "rejected"


def test_accept_without_a_pending_request_is_409(api, order_in):
    order = order_in(Status.READY_TO_SHIP)
    before = state(order)
    assert_error(api.post(f"/api/v1/orders/{order.pk}/cancellation-request/accept/"), 409)
    assert state(order) == before


def test_cancel_with_the_old_codes_still_works(api, order_in):
    order = order_in(Status.PENDING_HANDLING)
    body = {"cancellation_type": "canceled_by_seller", "text": "Quiebre de stock", "responsible": "Ana"}
    response = api.post(f"/api/v1/orders/{order.pk}/cancel/", body, format="json")
    assert response.status_code == 200
    assert response.json()["cancellation"]["cancellation_type"] == "canceled_by_seller"


def test_dispute_types_are_the_sellers(api):
    codes = {row["code"] for row in api.get("/api/v1/dispute-types/").json()}
    assert "canceled_by_seller" in codes and "product_damaged" not in codes


def test_the_schema_documents_the_new_endpoints_and_their_4xx(db):
    import yaml
    from rest_framework.test import APIClient

    schema = yaml.safe_load(APIClient().get("/api/v1/schema/").content)
    for path, method in [
        ("/api/v1/disputes/", "get"),
        ("/api/v1/disputes/", "post"),
        ("/api/v1/disputes/{dispute_id}/", "get"),
        ("/api/v1/disputes/{dispute_id}/messages/", "post"),
        ("/api/v1/orders/{order_id}/cancellation-request/accept/", "post"),
        ("/api/v1/orders/{order_id}/cancellation-request/reject/", "post"),
        ("/api/v1/intake/orders/{external_id}/cancellation-requests/", "post"),
        ("/api/v1/intake/orders/{external_id}/disputes/", "post"),
    ]:
        responses = schema["paths"][path][method]["responses"]
        assert {"400", "401", "403", "404"} <= set(responses), (path, method)
    messages = schema["paths"]["/api/v1/disputes/{dispute_id}/messages/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in messages


# --- intake -----------------------------------------------------------------------------------------


def test_the_marketplace_sends_a_cancellation_request_by_external_id_once(feed, order_in, site, owner):
    order = order_in(Status.READY_TO_SHIP)
    url = f"/api/v1/intake/orders/{order.external_id}/cancellation-requests/"
    body = {"site": site.code, "text": "Ya no lo quiero", "reference": "PV-CR-1"}
    first = feed.post(url, body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "pending" and first.json()["reason"] == "buyer_request"
    again = feed.post(url, body, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert_error(feed.post(url, {**body, "reference": "PV-CR-2"}, format="json"), 409)
    order.refresh_from_db()
    assert order.on_hold_reason == "cancellation_request"
    assert CancellationRequest.objects.filter(order=order, status=RequestStatus.PENDING).count() == 1


def test_the_marketplace_opens_a_buyer_dispute(feed, order_in, site):
    order = order_in(Status.DELIVERED)
    url = f"/api/v1/intake/orders/{order.external_id}/disputes/"
    response = feed.post(
        url, {"site": site.code, "type": "product_damaged", "text": "Llegó roto", "reference": "D-1"}, format="json"
    )
    assert response.status_code == 201, response.content
    dispute = Dispute.objects.get(pk=response.json()["id"])
    assert dispute.opened_by_party == Party.BUYER and dispute.responsible == order.buyer_full_name
    assert dispute.status == DisputeStatus.AWAITING_SELLER and dispute.respond_by is not None
    resent = feed.post(
        url, {"site": site.code, "type": "product_damaged", "text": "x", "reference": "D-1"}, format="json"
    )
    assert resent.status_code == 200 and resent.json()["id"] == dispute.pk


def test_the_buyer_answers_in_the_dispute_through_the_marketplace_once(feed, order_in, site, api):
    # given a buyer dispute the seller has answered (so it awaits the buyer)
    order = order_in(Status.DELIVERED)
    opened = feed.post(
        f"/api/v1/intake/orders/{order.external_id}/disputes/",
        {"site": site.code, "type": "product_damaged", "text": "Llegó roto"},
        format="json",
    ).json()
    reply = api.post(f"/api/v1/disputes/{opened['id']}/messages/", {"text": "Enviamos foto del embalaje."})
    assert reply.status_code == 201, reply.content
    assert Dispute.objects.get(pk=opened["id"]).status == DisputeStatus.AWAITING_BUYER
    # when the marketplace relays the buyer's answer, twice (a feed retry)
    url = f"/api/v1/intake/orders/{order.external_id}/disputes/messages/"
    body = {"site": site.code, "text": "La caja estaba bien, el producto no.", "reference": "MSG-9"}
    first = feed.post(url, body, format="json")
    again = feed.post(url, body, format="json")
    # then one message is stored, and the seller has 5 days again
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert again.json()["id"] == first.json()["id"]
    dispute = Dispute.objects.get(pk=opened["id"])
    assert dispute.messages.filter(party=Party.BUYER, reference="MSG-9").count() == 1
    assert dispute.status == DisputeStatus.AWAITING_SELLER and dispute.respond_by is not None
    assert first.json()["dispute_status"] == DisputeStatus.AWAITING_SELLER


def test_a_buyer_message_without_a_dispute_is_404(feed, order_in, site):
    order = order_in(Status.DELIVERED)
    answer = feed.post(
        f"/api/v1/intake/orders/{order.external_id}/disputes/messages/",
        {"site": site.code, "text": "Hola"},
        format="json",
    )
    assert_error(answer, 404)


def test_intake_refusals(feed, order_in, site, api):
    order = order_in(Status.DELIVERED)
    disputes_url = f"/api/v1/intake/orders/{order.external_id}/disputes/"
    # a type buyers may not use, an unknown order, an unknown site, another site than the credential's
    assert_error(
        feed.post(disputes_url, {"site": site.code, "type": "canceled_by_seller", "text": "x"}, format="json"),
        400,
        "reason",
    )
    assert_error(
        feed.post("/api/v1/intake/orders/NOPE/disputes/", {"site": site.code, "type": "x", "text": "x"}, format="json"),
        404,
    )
    assert_error(
        feed.post(disputes_url, {"site": "nope", "type": "product_damaged", "text": "x"}, format="json"), 400, "site"
    )
    from tests.factories import SiteFactory

    other = SiteFactory(code="oechsle")
    assert_error(
        feed.post(disputes_url, {"site": other.code, "type": "product_damaged", "text": "x"}, format="json"), 403
    )
    # a delivered order cannot be asked to cancel; a seller's device token is not the feed's key
    requests_url = f"/api/v1/intake/orders/{order.external_id}/cancellation-requests/"
    assert_error(feed.post(requests_url, {"site": site.code}, format="json"), 409)
    assert api.post(requests_url, {"site": site.code}, format="json").status_code in (401, 403)
    assert not Dispute.objects.exists() and not CancellationRequest.objects.exists()
