import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from disputes.models import Cancellation
from disputes.services import cancel_order
from evidence.services import add_delivery_evidence, deliver
from fulfillment.models import Shipment
from fulfillment.services import ship, start_handling
from orders.models import Order, Status
from tests.factories import DEFAULT_PASSWORD, order_with_stock

STATES = [s.value for s in Status]


def png_upload(name: str = "entrega.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_order(*, seller, actor, state: str, **fields) -> Order:
    """An order brought to `state` through the real services, so its shipment, evidence and events exist."""
    order = order_with_stock(seller=seller, **fields)
    if state == Status.CANCELED:
        cancel_order(
            order_id=order.pk,
            seller=seller,
            actor=actor,
            cancellation_type="canceled_by_seller",
            text="Sin stock",
            responsible="Ana Pérez",
        )
    if state in (Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED):
        start_handling(order_id=order.pk, seller=seller, actor=actor)
    if state in (Status.SHIPPED, Status.DELIVERED):
        ship(order_id=order.pk, seller=seller, actor=actor, carrier="Olva Courier", tracking_number="OLV-001")
    if state == Status.DELIVERED:
        add_delivery_evidence(order_id=order.pk, seller=seller, actor=actor, kind="buyer_receiving", file=png_upload())
        deliver(order_id=order.pk, seller=seller, actor=actor)
    order.refresh_from_db()
    assert order.status == state
    return order


@pytest.fixture
def order_in(seller, owner):
    def build(state: str, **fields) -> Order:
        return make_order(seller=seller, actor=owner, state=state, **fields)

    return build


@pytest.fixture
def client_a(client, owner):
    assert client.login(username=owner.username, password=DEFAULT_PASSWORD)
    return client


def snapshot(order: Order) -> tuple:
    """What must not move when the dashboard refuses an action."""
    order.refresh_from_db()
    return (
        order.status,
        order.updated_at,
        order.events.count(),
        order.delivery_evidence.count(),
        Shipment.objects.filter(order=order).exists(),
        Cancellation.objects.filter(order=order).exists(),
    )


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
