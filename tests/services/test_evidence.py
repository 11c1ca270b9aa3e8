"""Delivery evidence: judged by content, stored privately, nothing half-written."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.errors import Conflict, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from evidence.models import DeliveryEvidence
from evidence.services import add_delivery_evidence
from orders.models import Status
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 90, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def shipped_order(seller):
    return OrderFactory(seller=seller, status=Status.SHIPPED)


def add_file(order, owner, name, content, kind="buyer_receiving", **fields):
    return add_delivery_evidence(
        order_id=order.id,
        seller=order.seller,
        actor=owner,
        kind=kind,
        file=SimpleUploadedFile(name, content, content_type="image/jpeg"),
        **fields,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("foto.jpg", None, "image/jpeg"), ("guia.png", None, "image/png"), ("guia.pdf", PDF, "application/pdf")],
)
def test_valid_files_are_stored_with_checksum_and_detected_type(name, content, content_type, shipped_order, owner):
    content = content or (jpeg_bytes() if name.endswith(".jpg") else png_bytes())
    evidence = add_file(shipped_order, owner, name, content)
    assert evidence.content_type == content_type
    # the original's digest and size are kept, whatever is stored
    assert evidence.sha256 == hashlib.sha256(content).hexdigest() and evidence.size_bytes == len(content)
    # the stored key is random and carries neither the buyer nor the original name
    assert evidence.file.name.startswith("evidence/") and name.split(".")[0] not in evidence.file.name
    stored = evidence.file.read()
    assert hashlib.sha256(stored).hexdigest() == evidence.stored_sha256
    if content_type == "application/pdf":
        assert stored == content  # PDFs are kept as they came


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("foto.jpg", PDF[:-7], UnsupportedMediaType),  # a PDF renamed .jpg... and truncated
        ("foto.jpg", b"<?php system($_GET['c']); ?>", UnsupportedMediaType),
        ("foto.jpg", b"", ValidationFailed),
        ("foto.png", png_bytes()[:60], ValidationFailed),  # truncated image
        ("notas.txt", b"hola", UnsupportedMediaType),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(name, content, error, shipped_order, owner, settings):
    with pytest.raises(error):
        add_file(shipped_order, owner, name, content)
    assert not DeliveryEvidence.objects.exists()
    assert not shipped_order.events.exists()
    media = settings.MEDIA_ROOT / "evidence"
    assert not media.exists() or not any(media.iterdir())


def test_a_file_over_the_limit_is_413(shipped_order, owner, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(PayloadTooLarge):
        add_file(shipped_order, owner, "foto.png", png_bytes(400, 400) + b"\0" * 2000)
    assert not DeliveryEvidence.objects.exists()


def test_a_decompression_bomb_is_refused(shipped_order, owner):
    # a 20,000 x 20,000 PNG compresses to a few hundred KB but would take 1.2 GB decoded
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    with pytest.raises(ValidationFailed, match="píxeles"):
        add_file(shipped_order, owner, "bomba.png", buffer.getvalue())


@pytest.mark.parametrize(
    "url",
    [
        "http://fotos.example.pe/1.jpg",
        "https://127.0.0.1/x.jpg",
        "https://localhost/x",
        "https://10.0.0.8/a",
        "ftp://a/b",
    ],
)
def test_evidence_urls_must_be_public_https(url, shipped_order, owner):
    with pytest.raises(ValidationFailed):
        add_delivery_evidence(
            order_id=shipped_order.id, seller=shipped_order.seller, actor=owner, kind="buyer_receiving", url=url
        )
    assert not DeliveryEvidence.objects.exists()


def test_file_and_url_together_are_refused(shipped_order, owner):
    with pytest.raises(ValidationFailed):
        add_delivery_evidence(
            order_id=shipped_order.id,
            seller=shipped_order.seller,
            actor=owner,
            kind="buyer_receiving",
            url="https://fotos.example.pe/1.jpg",
            file=SimpleUploadedFile("a.png", png_bytes()),
        )


def test_a_signed_guide_needs_receiver_name_document_and_time(shipped_order, owner):
    with pytest.raises(ValidationFailed) as refused:
        add_file(shipped_order, owner, "guia.pdf", PDF, kind="signed_guide", receiver_full_name="Rosa Quispe")
    assert set(refused.value.fields) == {"receiver_document_number", "received_at"}
    evidence = add_file(
        shipped_order,
        owner,
        "guia.pdf",
        PDF,
        kind="signed_guide",
        receiver_full_name="Rosa Quispe",
        receiver_document_number="45678912",
        received_at=timezone.now() - timedelta(hours=1),
    )
    assert evidence.kind == "signed_guide"


def test_evidence_on_an_order_not_yet_shipped_is_refused_and_its_file_removed(seller, owner, settings):
    order = OrderFactory(seller=seller, status=Status.READY_TO_SHIP)
    with pytest.raises(Conflict):
        add_file(order, owner, "foto.png", png_bytes())
    assert not DeliveryEvidence.objects.exists()
    media = settings.MEDIA_ROOT / "evidence"
    assert not media.exists() or not any(media.iterdir())
