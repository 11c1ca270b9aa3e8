import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import StockUpload
from disputes.models import Cancellation
from fulfillment.models import Shipment
from orders.models import Order, Status
from tests.factories import DEFAULT_PASSWORD, order_in_status

STATES = [s.value for s in Status]


def png_upload(name: str = "entrega.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_order(*, seller, actor, state: str, **fields) -> Order:
    evidence = {"evidence_file": png_upload()} if state == Status.DELIVERED else {}
    return order_in_status(state, seller=seller, actor=actor, **evidence, **fields)


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
        list(order.seller.stock_items.order_by("pk").values_list("pk", "quantity_on_hand", "updated_at")),
        list(StockUpload.objects.filter(seller=order.seller).values_list("pk", "status")),
        order.payment_status,
        list(order.payments.values_list("pk", "amount")),
    )


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
