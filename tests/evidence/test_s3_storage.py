"""Evidence on a real S3-compatible server: private objects, short-lived presigned URLs, nothing public."""

import hashlib
from datetime import timedelta

import pytest
import requests
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disputes.services import open_dispute, post_message
from evidence.models import DeliveryEvidence
from orders.models import Status
from tests.api.conftest import order_in
from tests.evidence.conftest import bucket_keys, jpeg_bytes, phone_exif, png_bytes, upload

pytestmark = pytest.mark.django_db


def send_photo(device, order, content: bytes, name: str = "entrega.jpg", **extra):
    return device.post(
        f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "file": upload(name, content), **extra}
    )


def test_a_photo_goes_to_the_bucket_and_comes_back_through_a_presigned_url(device, seller, owner, bucket, s3_client):
    # given a shipped order and a phone photo
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    photo = jpeg_bytes((320, 240), exif=phone_exif())
    # when the phone uploads it
    created = send_photo(device, order, photo)
    assert created.status_code == 201, created.content
    body = created.json()
    # then the bucket holds the photo and its thumbnail under random keys that say nothing of the buyer
    evidence = DeliveryEvidence.objects.get(pk=body["id"])
    keys = bucket_keys(s3_client, bucket)
    assert sorted(keys) == sorted([evidence.file.name, evidence.thumbnail.name])
    for key in keys:
        assert key.startswith("evidence/") and len(key.split("/")[1].split(".")[0]) == 32
        assert order.buyer_full_name.split()[0].lower() not in key.lower() and order.number not in key
    # and the download URL is a short-lived presigned URL of the private bucket that serves the stored copy
    url = body["download_url"]
    assert url.startswith(s3_client.meta.endpoint_url) and "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(answer.content).hexdigest() == body["stored_sha256"]
    assert body["sha256"] == hashlib.sha256(photo).hexdigest()
    # and the GPS of the original is a field, not something the stored copy carries
    assert body["capture_latitude"] == "-12.087400" and b"GPS" not in answer.content
    assert requests.get(body["thumbnail_url"], timeout=10).headers["Content-Type"] == "image/jpeg"


def test_the_authenticated_views_redirect_members_to_a_fresh_presigned_url(
    device, other_device, client, seller, owner, other_owner, bucket
):
    # given an uploaded photo
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    evidence_id = send_photo(device, order, jpeg_bytes()).json()["id"]
    api_url = f"/api/v1/evidence/{evidence_id}/file/"
    page_url = reverse("dashboard:evidence_file", args=[evidence_id])
    # when the seller's device and dashboard ask for it, they are sent to a presigned URL that works
    for answer in (device.get(api_url), client_logged_in(client, owner).get(page_url)):
        assert answer.status_code == 302 and "X-Amz-Signature=" in answer["Location"]
        assert answer["Cache-Control"] == "private, no-store"
        assert requests.get(answer["Location"], timeout=10).status_code == 200
    # then another seller's device and member get 404, and an anonymous visitor nothing
    assert other_device.get(api_url).status_code == 404
    assert other_device.get(f"/api/v1/evidence/{evidence_id}/").status_code == 404
    assert client_logged_in(Client(), other_owner).get(page_url).status_code == 404
    assert Client().get(api_url).status_code == 401


def client_logged_in(client, user):
    client.force_login(user)
    return client


def test_a_presigned_url_stops_working_once_expired(device, seller, owner, bucket):
    # given a photo, and a presigned URL issued an hour ago (the server checks expiry against its own
    # clock, so the URL is signed in the past rather than waiting out its 300 s)
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    evidence_id = send_photo(device, order, jpeg_bytes()).json()["id"]
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        old = device.get(f"/api/v1/evidence/{evidence_id}/")
    stale_url = old.json()["download_url"]
    # when anyone (the seller, or whoever got hold of it) uses it now, then S3 refuses it
    refused = requests.get(stale_url, timeout=10)
    assert refused.status_code == 403 and b"expired" in refused.content
    # and stretching its lifetime breaks the signature
    stretched = requests.get(stale_url.replace("X-Amz-Expires=300", "X-Amz-Expires=604800"), timeout=10)
    assert stretched.status_code == 403
    # while the seller gets a fresh one that works
    fresh = device.get(f"/api/v1/evidence/{evidence_id}/").json()["download_url"]
    assert requests.get(fresh, timeout=10).status_code == 200


def test_a_presigned_url_still_works_a_few_seconds_after_it_was_issued(device, seller, owner, bucket):
    # given a URL presigned a few seconds ago (its X-Amz-Date is no longer "now")
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    evidence_id = send_photo(device, order, jpeg_bytes()).json()["id"]
    with time_machine.travel(timezone.now() - timedelta(seconds=5), tick=False):
        url = device.get(f"/api/v1/evidence/{evidence_id}/").json()["download_url"]
    # then it still opens: the signature is checked as of when it was made
    assert requests.get(url, timeout=10).status_code == 200


def test_the_bucket_holds_no_public_object(device, seller, owner, bucket, s3_client):
    # given photos, a PDF guide and a thumbnail in the bucket
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    send_photo(device, order, jpeg_bytes())
    send_photo(device, order, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", name="guia.pdf")
    keys = bucket_keys(s3_client, bucket)
    assert len(keys) == 3
    endpoint = s3_client.meta.endpoint_url
    for key in keys:
        # then no ACL grants anything to everyone or to any authenticated AWS user
        grants = s3_client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
        assert all(g["Grantee"]["Type"] == "CanonicalUser" for g in grants)
        # and an anonymous GET is refused
        assert requests.get(f"{endpoint}/{bucket}/{key}", timeout=10).status_code == 403
    # and the bucket has no policy that would open it
    with pytest.raises(s3_client.exceptions.ClientError):
        s3_client.get_bucket_policy(Bucket=bucket)


def test_dispute_attachments_are_served_like_evidence_from_the_private_bucket(client, seller, owner, bucket):
    # given a dispute message with a photo attached, stored in the bucket
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    dispute, _created = open_dispute(
        order_id=order.pk,
        seller=seller,
        actor=owner,
        party="seller",
        reason_code="canceled_by_seller",
        text="Quiebre de stock",
        responsible="Ana",
    )
    message = post_message(
        dispute_id=dispute.pk,
        seller=seller,
        actor=owner,
        party="seller",
        text="Foto del almacén",
        attachments=[SimpleUploadedFile("almacen.png", png_bytes(), content_type="image/png")],
    )
    attachment = message.attachments.get()
    # when a member opens it, the web process redirects to a presigned URL instead of streaming it
    answer = client_logged_in(client, owner).get(reverse("dashboard:dispute_attachment", args=[attachment.pk]))
    assert answer.status_code == 302 and "X-Amz-Signature=" in answer["Location"]
    assert requests.get(answer["Location"], timeout=10).status_code == 200
