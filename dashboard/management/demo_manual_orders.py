"""seed_demo's manual orders («Venta directa»): one per demo seller, taken by phone or in the store.

Andina's was paid in cash at the counter («Pago ya procesado») and will be picked up; Costa's was
sold by phone, to be paid by bank transfer, so it waits for the payment before «Iniciar manejo».
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from decimal import Decimal

from orders.models import Order
from sales.services import ManualLine, ManualOrderInput, create_manual_order
from sellers.models import Seller

# seller's RUC -> (hours ago, who took it: "owner" / "staff", what was sold)
MANUAL_ORDERS = {
    "20601234565": (
        3,
        "owner",
        ManualOrderInput(
            buyer_full_name="Julia Ccori Huillca",
            buyer_document_type="dni",
            buyer_document_number="42817365",
            buyer_phone="984512377",
            payment_method="cash",
            payment_processed=True,
            delivery_method="pickup_point",
            pickup_point_name="Tienda Andina — Jr. Huallaga 350",
            lines=[
                ManualLine(sku="AND-CHOM-M", quantity=1, unit_price=Decimal("179.90")),
                ManualLine(sku="AND-CAFE-500", quantity=2, unit_price=Decimal("38.50")),
            ],
        ),
    ),
    "20549876545": (
        5,
        "staff",
        ManualOrderInput(
            buyer_full_name="Inversiones Pacífico Sur SAC",
            buyer_document_type="ruc",
            buyer_document_number="20512345678",
            buyer_phone="016145200",
            buyer_email="compras@pacificosur.pe",
            payment_method="bank_transfer",
            delivery_method="home_delivery",
            shipping_address="Av. Primavera 1450, oficina 302",
            shipping_district="Santiago de Surco",
            shipping_city="Lima",
            shipping_region="Lima",
            shipping_total=Decimal("15.00"),
            lines=[ManualLine(sku="CST-LIC-15", quantity=3, unit_price=Decimal("189.90"))],
        ),
    ),
}


def seed_manual_orders(
    *, seller: Seller, owner, staff, now: datetime, at: Callable[[datetime], AbstractContextManager]
) -> Order | None:
    planned = MANUAL_ORDERS.get(seller.tax_id)
    if planned is None:
        return None
    hours_ago, who, data = planned
    with at(now - timedelta(hours=hours_ago)):
        return create_manual_order(seller=seller, actor=owner if who == "owner" else staff, data=data)
