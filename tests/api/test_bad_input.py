"""Bad input answers 4xx with a message in the error envelope, and the order stays as it was."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from orders.models import Status
from tests.api.conftest import CANCEL_BODY, SHIP_BODY, snapshot


def png_upload(name: str = "entrega.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def assert_error(response, status_code: int, field: str | None = None) -> dict:
    assert response.status_code == status_code, response.content
    error = response.json()["error"]
    assert error["message"]
    if field:
        assert field in error["fields"], error
    return error


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tracking_number": "X1"}, "carrier"),
        ({"carrier": "Olva"}, "tracking_number"),
        ({**SHIP_BODY, "carrier": "   "}, "carrier"),
        ({**SHIP_BODY, "tracking_url": "no es una url"}, "tracking_url"),
        ({**SHIP_BODY, "shipped_at": "ayer"}, "shipped_at"),
        ({**SHIP_BODY, "carrier": "x" * 101}, "carrier"),
    ],
    ids=["no-carrier", "no-tracking", "blank-carrier", "bad-url", "bad-date", "long-carrier"],
)
def test_ship_with_missing_or_invalid_fields_is_400(api, make_order, body, field):
    # given an order ready to ship
    order = make_order(Status.READY_TO_SHIP)
    before = snapshot(order)
    # when the device sends an incomplete or malformed shipment
    response = api.post(f"/api/v1/orders/{order.pk}/ship/", body, format="json")
    # then 400 names the field, and nothing changed
    assert_error(response, 400, field)
    assert snapshot(order) == before


def test_ship_in_the_future_is_400(api, make_order):
    # given an order ready to ship
    order = make_order(Status.READY_TO_SHIP)
    before = snapshot(order)
    # when shipped_at is tomorrow
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    response = api.post(f"/api/v1/orders/{order.pk}/ship/", {**SHIP_BODY, "shipped_at": tomorrow}, format="json")
    # then 400 on shipped_at
    assert_error(response, 400, "shipped_at")
    assert snapshot(order) == before


def test_ship_before_the_purchase_is_400(api, make_order):
    # given an order placed two hours ago, ready to ship
    order = make_order(Status.READY_TO_SHIP)
    before = snapshot(order)
    # when shipped_at is before placed_at
    earlier = (order.placed_at - timedelta(hours=1)).isoformat()
    response = api.post(f"/api/v1/orders/{order.pk}/ship/", {**SHIP_BODY, "shipped_at": earlier}, format="json")
    # then 400 on shipped_at, no shipment recorded
    assert_error(response, 400, "shipped_at")
    assert snapshot(order) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CANCEL_BODY, "cancellation_type": "porque_si"}, "cancellation_type"),
        ({k: v for k, v in CANCEL_BODY.items() if k != "text"}, "text"),
        ({**CANCEL_BODY, "responsible": ""}, "responsible"),
    ],
    ids=["bad-type", "no-text", "blank-responsible"],
)
def test_cancel_with_missing_or_invalid_fields_is_400(api, make_order, body, field):
    # given a pending order
    order = make_order()
    before = snapshot(order)
    # when the cancellation is incomplete
    response = api.post(f"/api/v1/orders/{order.pk}/cancel/", body, format="json")
    # then 400 names the field and the order is still pending
    assert_error(response, 400, field)
    assert snapshot(order) == before


def test_malformed_json_is_400(api, make_order):
    # given a ready order
    order = make_order(Status.READY_TO_SHIP)
    before = snapshot(order)
    # when the body is not valid JSON
    response = api.post(f"/api/v1/orders/{order.pk}/ship/", '{"carrier": "Olva",', content_type="application/json")
    # then 400 "malformed" with a message
    assert assert_error(response, 400)["code"] == "malformed"
    assert snapshot(order) == before


def test_unsupported_content_type_is_415(api, make_order):
    # given a ready order
    order = make_order(Status.READY_TO_SHIP)
    before = snapshot(order)
    # when the body is XML
    response = api.post(f"/api/v1/orders/{order.pk}/ship/", "<ship/>", content_type="application/xml")
    # then 415
    assert_error(response, 415)
    assert snapshot(order) == before


def test_text_file_as_evidence_is_415(api, make_order):
    # given a shipped order without evidence
    order = make_order(Status.SHIPPED, with_evidence=False)
    before = snapshot(order)
    # when the device uploads a text file dressed as a JPEG
    fake = SimpleUploadedFile("foto.jpg", b"hola, no soy una foto\n" * 10, content_type="image/jpeg")
    response = api.post(f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "file": fake})
    # then 415 on the file, and no evidence was stored
    assert assert_error(response, 415, "file")["code"] == "unsupported_media_type"
    assert snapshot(order) == before


def test_oversized_evidence_is_413(api, make_order, settings):
    # given a 1 KB limit and a shipped order
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    order = make_order(Status.SHIPPED, with_evidence=False)
    before = snapshot(order)
    # when the device uploads a 2 KB PNG
    big = png_upload()
    big = SimpleUploadedFile("big.png", big.read() + b"\0" * 2048, content_type="image/png")
    response = api.post(f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "file": big})
    # then 413 and nothing stored
    assert assert_error(response, 413, "file")["code"] == "too_large"
    assert snapshot(order) == before


def test_evidence_body_far_over_the_limit_is_413_before_parsing(api, make_order, settings):
    # given a 1 KB limit and a shipped order
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    order = make_order(Status.SHIPPED, with_evidence=False)
    # when the request declares a body much larger than limit plus form overhead
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 200_000, content_type="image/png")
    response = api.post(f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "file": big})
    # then 413
    assert_error(response, 413, "file")
    assert order.delivery_evidence.count() == 0


@pytest.mark.parametrize(
    "url",
    ["http://fotos.example.com/1.jpg", "ftp://fotos.example.com/1.jpg", "https://127.0.0.1/1.jpg", "fotos"],
    ids=["http", "ftp", "private-ip", "no-scheme"],
)
def test_evidence_url_must_be_public_https(api, make_order, url):
    # given a shipped order without evidence
    order = make_order(Status.SHIPPED, with_evidence=False)
    before = snapshot(order)
    # when the evidence URL is not a public https link
    response = api.post(f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "url": url}, format="json")
    # then 400 on url
    assert_error(response, 400, "url")
    assert snapshot(order) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "selfie", "url": "https://fotos.example.com/1.jpg"}, "kind"),
        ({"kind": "buyer_receiving"}, "file"),
        ({"kind": "signed_guide", "url": "https://fotos.example.com/guia.pdf"}, "receiver_full_name"),
        (
            {
                "kind": "signed_guide",
                "url": "https://fotos.example.com/guia.pdf",
                "receiver_full_name": "Luis Quispe",
                "receiver_document_number": "45781236",
                "received_at": "1900-01-01T12:00:00Z",
            },
            "received_at",
        ),
    ],
    ids=["bad-kind", "neither-file-nor-url", "guide-without-receiver", "received-before-the-purchase"],
)
def test_evidence_with_missing_or_invalid_fields_is_400(api, make_order, body, field):
    # given a shipped order without evidence
    order = make_order(Status.SHIPPED, with_evidence=False)
    before = snapshot(order)
    # when the evidence lacks what it needs
    response = api.post(f"/api/v1/orders/{order.pk}/evidence/", body, format="json")
    # then 400 names the field
    assert_error(response, 400, field)
    assert snapshot(order) == before


@pytest.mark.parametrize("status", [Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.CANCELED])
def test_evidence_before_shipping_is_409(api, make_order, status):
    # given an order that has not left yet
    order = make_order(status)
    # when the device attaches an evidence URL
    body = {"kind": "buyer_receiving", "url": "https://fotos.example.com/1.jpg"}
    response = api.post(f"/api/v1/orders/{order.pk}/evidence/", body, format="json")
    # then 409: evidence comes after shipping
    assert_error(response, 409)
    assert order.delivery_evidence.count() == 0


def test_signed_guide_with_receiver_is_201(api, make_order):
    # given a shipped order
    order = make_order(Status.SHIPPED, with_evidence=False)
    # when the device uploads a signed guide as JSON url with the receiver's data
    body = {
        "kind": "signed_guide",
        "url": "https://fotos.example.com/guia.pdf",
        "receiver_full_name": "Luis Quispe",
        "receiver_document_number": "45678912",
        "received_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
    }
    response = api.post(f"/api/v1/orders/{order.pk}/evidence/", body, format="json")
    # then 201 with the evidence, its download URL being the link given
    assert response.status_code == 201, response.content
    assert response.json()["download_url"] == body["url"]
    assert response.json()["receiver_full_name"] == "Luis Quispe"
    assert order.delivery_evidence.count() == 1


def test_bad_list_filters_are_400(api):
    # when the list is filtered by an unknown status or an unreadable date
    bad_status = api.get("/api/v1/orders/", {"status": "perdida"})
    bad_date = api.get("/api/v1/orders/", {"placed_after": "31/01/2026"})
    # then both are 400 naming the parameter
    assert_error(bad_status, 400, "status")
    assert_error(bad_date, 400, "placed_after")


@pytest.mark.parametrize("value", ["maybe", "2", "si"])
def test_an_unreadable_yes_no_filter_is_400_not_ignored(api, value):
    assert_error(api.get("/api/v1/orders/", {"due_soon": value}), 400, "due_soon")


@pytest.mark.parametrize("value", ["true", "True", "1", "false", "0", ""])
def test_the_yes_no_filter_reads_the_usual_spellings(api, value):
    assert api.get("/api/v1/orders/", {"due_soon": value}).status_code == 200


def test_a_null_body_is_400_in_the_requests_language(api, make_order):
    order = make_order(Status.READY_TO_SHIP)
    before = snapshot(order)
    spanish = assert_error(api.post(f"/api/v1/orders/{order.pk}/ship/", "null", content_type="application/json"), 400)
    english = assert_error(
        api.post(
            f"/api/v1/orders/{order.pk}/ship/", "null", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        ),
        400,
    )
    assert spanish["message"] == "Falta el cuerpo de la solicitud: envía un objeto JSON."
    assert english["message"] == "The request has no body: send a JSON object."
    order.refresh_from_db()
    assert snapshot(order) == before
