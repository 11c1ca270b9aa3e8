"""Helpers for the API tests: device-token clients and orders driven into each state by the services."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from disputes.models import Cancellation
from fulfillment.models import Shipment
from orders.models import Order, Status
from sellers.models import DeviceToken
from tests.factories import order_in_status

SHIP_BODY = {"carrier": "Olva Courier", "tracking_number": "OLV-123456"}
CANCEL_BODY = {"cancellation_type": "canceled_by_seller", "text": "Quiebre de stock", "responsible": "Ana Pérez"}
EVIDENCE_URL = "https://fotos.example.com/entrega/123.jpg"


def token_for(user, device_name: str = "Pixel 8") -> str:
    _instance, token = DeviceToken.objects.create(user=user, device_name=device_name)
    return token


def client_with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def client_for(db):
    return lambda user: client_with_token(token_for(user))


@pytest.fixture
def api(client_for, owner) -> APIClient:
    """Seller A's owner, logged in from a device."""
    return client_for(owner)


def order_in(status: str, *, seller, actor, with_evidence: bool = True, **fields) -> Order:
    """An order of `seller` brought to `status` through the real services."""
    evidence_url = EVIDENCE_URL if with_evidence or status == Status.DELIVERED else None
    return order_in_status(status, seller=seller, actor=actor, evidence_url=evidence_url, **fields)


def snapshot(order: Order) -> tuple:
    """What must not move when a request is refused."""
    order.refresh_from_db()
    return (
        order.status,
        order.updated_at,
        order.events.count(),
        order.delivery_evidence.count(),
        Shipment.objects.filter(order=order).count(),
        Cancellation.objects.filter(order=order).count(),
        order.payment_status,
        order.payments.count(),
    )


@pytest.fixture
def make_order(seller, owner):
    return lambda status=Status.PENDING_HANDLING, **kw: order_in(status, seller=seller, actor=owner, **kw)
