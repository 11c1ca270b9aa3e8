"""Helpers for disputes and cancellation requests: orders driven by the real services, clients, files."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from disputes.models import CancellationRequest, Dispute, DisputeAttachment, DisputeMessage
from orders.models import IntegrationCredential, Order
from tests.api.conftest import client_with_token, token_for
from tests.factories import DEFAULT_PASSWORD, order_in_status


def png_upload(name: str = "foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake_png(name: str = "virus.png") -> SimpleUploadedFile:
    # a declared image whose bytes are not one: judged by content, refused
    return SimpleUploadedFile(name, b"MZ\x90\x00 not an image at all", content_type="image/png")


@pytest.fixture
def order_in(seller, owner, site):
    def build(status: str, **fields) -> Order:
        return order_in_status(status, seller=seller, actor=owner, site=site, **fields)

    return build


@pytest.fixture
def api(owner) -> APIClient:
    return client_with_token(token_for(owner))


@pytest.fixture
def client_a(client, owner):
    assert client.login(username=owner.username, password=DEFAULT_PASSWORD)
    return client


@pytest.fixture
def feed(db, site):
    credential, key = IntegrationCredential.issue(name="Feed Plaza Vea")
    credential.sites.set([site])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def state(order: Order) -> tuple:
    """What must not move when something is refused."""
    order.refresh_from_db()
    return (
        order.status,
        order.on_hold_reason,
        order.updated_at,
        order.events.count(),
        list(CancellationRequest.objects.filter(order=order).values_list("pk", "status", "answered_at")),
        list(Dispute.objects.filter(order=order).values_list("pk", "status", "resolution", "respond_by")),
        DisputeMessage.objects.filter(dispute__order=order).count(),
        DisputeAttachment.objects.filter(message__dispute__order=order).count(),
    )
