"""Evidence files are private: the API streams them to the seller's devices, nobody else."""

import hashlib
import io

import pytest
from django.test import Client
from PIL import Image

from orders.models import Status
from tests.api.conftest import order_in


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format="JPEG")
    buffer.seek(0)
    buffer.name = "entrega.jpg"
    return buffer


@pytest.mark.django_db
def test_an_uploaded_photo_is_downloaded_through_the_api_only(api, client_for, seller, owner, other_owner):
    # given a photo uploaded from the seller's phone
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    photo = jpeg()
    created = api.post(f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "file": photo})
    assert created.status_code == 201, created.content
    download_url = created.json()["download_url"]
    # then its download URL is the authenticated endpoint, which returns the stored copy (re-encoded
    # without metadata: its own digest), while the original's digest is kept
    assert download_url.endswith(f"/api/v1/evidence/{created.json()['id']}/file/")
    assert created.json()["sha256"] == hashlib.sha256(photo.getvalue()).hexdigest()
    answer = api.get(download_url)
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content)
    assert body.startswith(b"\xff\xd8") and hashlib.sha256(body).hexdigest() == created.json()["stored_sha256"]
    assert answer["Cache-Control"].startswith("private")
    # and no one else gets it: another seller (404), no token (401), nor a public media URL
    assert client_for(other_owner).get(download_url).status_code == 404
    assert Client().get(download_url).status_code == 401
    stored_name = order.delivery_evidence.get().file.name
    assert Client().get(f"/media/{stored_name}").status_code == 404
