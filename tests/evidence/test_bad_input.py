"""Bad uploads and links: each a clear 4xx in the error envelope, nothing stored anywhere, the order as it was."""

import io

import pytest
from PIL import Image

from orders.models import Status
from tests.api.conftest import order_in, snapshot
from tests.evidence.conftest import PDF, bucket_keys, jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def png_bomb() -> bytes:
    # 20,000 x 20,000 pixels: a few hundred KB on the wire, 400 MP (1.2 GB as RGB) once decoded
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_php() -> bytes:
    # a valid JPEG whose comment segment carries a web shell (the classic upload polyglot)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 90, 200)).save(buffer, format="JPEG", comment=b"<?php system($_GET['c']); ?>")
    return buffer.getvalue()


BAD_FILES = {
    "pdf renamed .jpg": ("foto.jpg", lambda: PDF, 415, "unsupported_media_type"),
    "jpeg with a php payload": ("foto.jpg", jpeg_with_php, 400, "invalid"),
    "20000x20000 png bomb": ("bomba.png", png_bomb, 400, "invalid"),
    "truncated jpeg": ("foto.jpg", lambda: jpeg_bytes((400, 300), noise=True)[:3000], 400, "invalid"),
    "empty file": ("foto.jpg", lambda: b"", 400, "invalid"),
    "50 MB file": ("foto.jpg", lambda: jpeg_bytes() + b"\0" * (50 * 1024 * 1024), 413, "too_large"),
    "text file": ("notas.txt", lambda: b"hola", 415, "unsupported_media_type"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_a_clear_4xx_and_leaves_nothing(case, device, seller, owner, bucket, s3_client):
    # given a shipped order with nothing in the bucket
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    before = snapshot(order)
    name, content, status, code = BAD_FILES[case]
    # when the phone sends the file, with and without an Idempotency-Key
    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": f"bad-{case}"}):
        response = device.post(
            f"/api/v1/orders/{order.pk}/evidence/",
            {"kind": "buyer_receiving", "file": upload(name, content())},
            **headers,
        )
        # then a clear refusal in the error envelope, with a message about the file
        assert response.status_code == status, response.content
        error = response.json()["error"]
        assert error["code"] == code and error["message"] and "file" in error["fields"]
    # and nothing was stored: no row, no event, no object in the bucket; the order did not move
    assert snapshot(order) == before
    assert bucket_keys(s3_client, bucket) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://fotos.example.pe/entrega.jpg",
        "https://127.0.0.1/entrega.jpg",
        "https://localhost/x",
        "https://10.0.0.8/a",
        "https://[::1]/a",
        "https://2130706433/a",  # 127.0.0.1 written as one number
        "https://0x7f.1/a",
        "https://169.254.169.254/latest/meta-data/",
        "https://intranet/a",
        "https://fotos.internal/a",
        "https://user:clave@fotos.example.pe/a",
        "javascript:alert(1)",
        "ftp://fotos.example.pe/a",
    ],
)
def test_a_non_public_or_non_https_link_is_400_and_never_fetched(url, device, seller, owner, monkeypatch):
    # given a shipped order, and any outgoing connection made to fail loudly
    import socket

    def no_fetch(*args, **kwargs):
        raise AssertionError("the server must not fetch an evidence URL")

    monkeypatch.setattr(socket, "create_connection", no_fetch)
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    before = snapshot(order)
    # when the link is sent
    response = device.post(
        f"/api/v1/orders/{order.pk}/evidence/", {"kind": "buyer_receiving", "url": url}, format="json"
    )
    # then 400 on the url field, and nothing changed
    assert response.status_code == 400, response.content
    assert "url" in response.json()["error"]["fields"]
    assert snapshot(order) == before


def test_a_public_https_link_is_kept_as_a_link_without_fetching(device, seller, owner, monkeypatch):
    import socket

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(AssertionError("fetch")))
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    response = device.post(
        f"/api/v1/orders/{order.pk}/evidence/",
        {"kind": "buyer_receiving", "url": "https://fotos.example.pe/entrega/1.jpg"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["download_url"] == "https://fotos.example.pe/entrega/1.jpg"


def test_a_bad_file_in_the_dashboard_is_a_message_and_leaves_nothing(client, seller, owner, settings):
    # given a shipped order, local storage
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    before = snapshot(order)
    client.force_login(owner)
    # when a member delivers with a PNG bomb attached
    response = client.post(
        f"/orders/{order.pk}/deliver/",
        {"kind": "buyer_receiving", "file": upload("bomba.png", png_bomb())},
        follow=True,
    )
    # then the page says why and nothing was stored
    assert "demasiados píxeles" in response.content.decode()
    assert snapshot(order) == before
    media = settings.MEDIA_ROOT / "evidence"
    assert not media.exists() or not any(media.iterdir())
