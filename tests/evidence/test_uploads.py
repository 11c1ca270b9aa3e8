"""Phone uploads: formats by content, EXIF kept as fields and stripped from the file, idempotent retries."""

import hashlib
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from evidence.models import DeliveryEvidence
from orders.models import Status
from tests.api.conftest import order_in
from tests.evidence.conftest import PDF, bucket_keys, heic_bytes, jpeg_bytes, phone_exif, png_bytes, upload, webp_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(seller, owner):
    return order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)


def post_file(device, order, name, content, **headers):
    return device.post(
        f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "file": upload(name, content)}, **headers
    )


def stored_image(evidence: DeliveryEvidence) -> tuple[Image.Image, bytes]:
    with evidence.file.open("rb") as handle:
        data = handle.read()
    return Image.open(io.BytesIO(data)), data


@pytest.mark.parametrize(
    ("name", "content", "original_type", "stored_type"),
    [
        ("foto.jpg", lambda: jpeg_bytes(exif=phone_exif()), "image/jpeg", "image/jpeg"),
        ("foto.png", png_bytes, "image/png", "image/png"),
        ("foto.webp", webp_bytes, "image/webp", "image/webp"),
        ("IMG_0001.HEIC", lambda: heic_bytes(exif=phone_exif()), "image/heic", "image/jpeg"),
        ("guia.pdf", lambda: PDF, "application/pdf", "application/pdf"),
    ],
)
def test_each_accepted_format_is_stored_with_the_originals_digest(
    name, content, original_type, stored_type, device, shipped
):
    data = content()
    answer = post_file(device, shipped, name, data)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["original_content_type"] == original_type and body["content_type"] == stored_type
    assert body["sha256"] == hashlib.sha256(data).hexdigest() and body["size_bytes"] == len(data)
    evidence = DeliveryEvidence.objects.get(pk=body["id"])
    with evidence.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == body["stored_sha256"]


@pytest.mark.parametrize(
    "make", [lambda: jpeg_bytes((80, 60), exif=phone_exif()), lambda: heic_bytes(exif=phone_exif())]
)
def test_capture_time_and_place_are_fields_and_the_stored_photo_has_no_metadata(make, device, shipped):
    # given a phone photo taken in Lince at 15:42 local time, with its serial number in EXIF
    answer = post_file(device, shipped, "foto.jpg" if make().startswith(b"\xff\xd8") else "foto.heic", make())
    assert answer.status_code == 201, answer.content
    evidence = DeliveryEvidence.objects.get(pk=answer.json()["id"])
    # then time, place and device are recorded as fields
    assert evidence.captured_at == datetime(2026, 11, 20, 15, 42, 10, tzinfo=ZoneInfo("America/Lima"))
    assert evidence.capture_latitude == Decimal("-12.087400") and evidence.capture_longitude == Decimal("-77.050200")
    assert evidence.capture_device == "Google Pixel 8"
    # and the stored copy carries no EXIF at all (no GPS, no serial number, no date)
    image, data = stored_image(evidence)
    assert not image.getexif() and b"Exif" not in data and b"SERIAL-12345" not in data
    assert not image.info.get("exif") and not image.info.get("xmp")


def test_the_stored_photo_keeps_the_orientation_the_phone_meant(device, shipped):
    # a photo stored sideways with "rotate 90" in EXIF is stored upright once EXIF is gone
    answer = post_file(device, shipped, "foto.jpg", jpeg_bytes((80, 40), exif=phone_exif(orientation=6)))
    image, _data = stored_image(DeliveryEvidence.objects.get(pk=answer.json()["id"]))
    assert image.size == (40, 80)


def test_a_photo_taken_before_shipping_is_kept_with_a_warning(device, shipped):
    answer = post_file(device, shipped, "foto.jpg", jpeg_bytes(exif=phone_exif(taken="2020:01:01 10:00:00")))
    assert answer.status_code == 201
    assert [w["code"] for w in answer.json()["warnings"]] == ["captured_before_shipping"]


def test_a_retried_upload_with_the_same_key_creates_nothing_new(device, shipped, bucket, s3_client):
    # given a phone that uploads a photo, loses the answer and sends the very same request again
    photo = jpeg_bytes((120, 90), exif=phone_exif())
    first = post_file(device, shipped, "foto.jpg", photo, HTTP_IDEMPOTENCY_KEY="upload-7f3a")
    keys_after_first = sorted(bucket_keys(s3_client, bucket))
    again = post_file(device, shipped, "foto.jpg", photo, HTTP_IDEMPOTENCY_KEY="upload-7f3a")
    # then the second answer is the first one, replayed, and there is one evidence, one event, two objects
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replay"] == "true" and again.json()["id"] == first.json()["id"]
    assert DeliveryEvidence.objects.filter(order=shipped).count() == 1
    assert shipped.events.filter(kind="evidence_added").count() == 1
    assert sorted(bucket_keys(s3_client, bucket)) == keys_after_first and len(keys_after_first) == 2
    # while the same key with another photo is a 409, storing nothing
    other = post_file(device, shipped, "foto.jpg", jpeg_bytes((10, 10)), HTTP_IDEMPOTENCY_KEY="upload-7f3a")
    assert other.status_code == 409 and sorted(bucket_keys(s3_client, bucket)) == keys_after_first


def test_the_upload_limit_is_configurable_and_answers_413_with_a_message(device, shipped, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 2000
    answer = post_file(device, shipped, "foto.jpg", jpeg_bytes((200, 200), noise=True))
    assert answer.status_code == 413
    assert "máximo es 0 MB" in answer.json()["error"]["message"] or "MB" in answer.json()["error"]["message"]
    assert not DeliveryEvidence.objects.exists()


def test_the_dashboard_shows_thumbnails_a_viewer_and_the_review_state(client, owner, device, shipped):
    body = post_file(device, shipped, "foto.jpg", jpeg_bytes((200, 150), exif=phone_exif())).json()
    client.force_login(owner)
    page = client.get(f"/orders/{shipped.pk}/").content.decode()
    assert f'src="/evidence/{body["id"]}/file/?size=thumbnail"' in page and "Por revisar" in page
    thumb = client.get(f"/evidence/{body['id']}/file/?size=thumbnail")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size[0] <= 480
    viewer = client.get(f"/evidence/{body['id']}/").content.decode()
    for shown in ("Por revisar", "-12.087400", "Google Pixel 8", body["sha256"], "20/11/2026 15:42"):
        assert shown in viewer, shown
