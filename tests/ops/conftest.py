"""Fixtures for the operator's tools: an admin client and orders driven through the real services."""

from __future__ import annotations

import pytest

from disputes.services import cancel_order
from evidence.services import add_delivery_evidence, deliver
from fulfillment.services import ship, start_handling
from orders.models import Order
from tests.factories import order_with_stock


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def delivered_order(seller, owner, site) -> Order:
    order = order_with_stock(seller=seller, site=site, buyer_full_name="Rosa Quispe Mamani")
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    ship(order_id=order.pk, seller=seller, actor=owner, carrier="Olva Courier", tracking_number="OLV-778899")
    add_delivery_evidence(
        order_id=order.pk,
        seller=seller,
        actor=owner,
        kind="buyer_receiving",
        url="https://fotos.example.com/entregas/778899.jpg",
    )
    return deliver(order_id=order.pk, seller=seller, actor=owner)


@pytest.fixture
def canceled_order(seller, owner, site) -> Order:
    order = order_with_stock(seller=seller, site=site)
    return cancel_order(
        order_id=order.pk,
        seller=seller,
        actor=owner,
        cancellation_type="canceled_by_seller",
        text="Quiebre de stock del SKU",
        responsible="Ana Pérez",
    )
