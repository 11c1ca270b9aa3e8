import pytest

from evidence.services import add_delivery_evidence, deliver
from fulfillment.services import ship, start_handling
from orders.models import Status
from tests.factories import order_with_stock


@pytest.mark.django_db
def test_an_order_goes_from_para_manejo_to_entregada(seller, owner):
    order = order_with_stock(seller=seller)
    start_handling(order_id=order.id, seller=seller, actor=owner)
    ship(order_id=order.id, seller=seller, actor=owner, carrier="Olva", tracking_number="OLV123")
    add_delivery_evidence(
        order_id=order.id, seller=seller, actor=owner, kind="buyer_receiving", url="https://fotos.example.pe/1.jpg"
    )
    order = deliver(order_id=order.id, seller=seller, actor=owner)
    assert order.status == Status.DELIVERED
    assert list(order.events.values_list("kind", flat=True)) == ["start_handling", "ship", "evidence_added", "deliver"]
