from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.services import FEED, ensure_skus
from core.errors import Conflict, ValidationFailed
from orders.models import DocumentType, Order, OrderLine, PaymentStatus
from orders.workflow import order_created, order_received, record_event
from sellers.models import Contract, MarketplaceSite, Seller

DOCUMENT_PATTERNS = {DocumentType.DNI: (8, 8), DocumentType.RUC: (11, 11)}


@dataclass
class LineInput:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal


@dataclass
class OrderInput:
    number: str
    external_id: str
    placed_at: datetime
    buyer_full_name: str
    buyer_document_type: str
    buyer_document_number: str
    lines: list[LineInput]
    buyer_phone: str = ""
    buyer_email: str = ""
    delivery_method: str = "home_delivery"
    shipping_address: str = ""
    shipping_district: str = ""
    shipping_city: str = ""
    shipping_region: str = ""
    shipping_reference: str = ""
    pickup_point_name: str = ""
    shipping_total: Decimal = Decimal("0.00")
    currency: str = "PEN"
    payment_method: str = "card"
    payment_status: str = PaymentStatus.PAID
    extra: dict = field(default_factory=dict)


def validate_buyer_document(*, document_type: str, number: str) -> None:
    if document_type == DocumentType.DNI and not (number.isdigit() and len(number) == 8):
        raise ValidationFailed(_("El DNI debe tener 8 dígitos."), fields={"buyer_document_number": [_("8 dígitos")]})
    if document_type == DocumentType.RUC and not (number.isdigit() and len(number) == 11):
        raise ValidationFailed(_("El RUC debe tener 11 dígitos."), fields={"buyer_document_number": [_("11 dígitos")]})


OLDEST_ORDER_AGE = timedelta(days=365)
DIRECT_NUMBER_PREFIX = "V-"


def next_direct_number(*, seller: Seller) -> str:
    """The seller's next direct-sale number, «V-000123». Call it inside the transaction that creates the order.

    One upsert takes the number and locks the seller's sequence row until that transaction ends:
    two sales made at once get consecutive numbers, and a rolled-back sale gives its number back.
    """
    assert transaction.get_connection().in_atomic_block, "next_direct_number needs a transaction"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_directordersequence (seller_id, last_number) VALUES (%s, 1) "
            "ON CONFLICT (seller_id) DO UPDATE SET last_number = orders_directordersequence.last_number + 1 "
            "RETURNING last_number",
            [seller.pk],
        )
        (number,) = cursor.fetchone()
    return f"{DIRECT_NUMBER_PREFIX}{number:06d}"


def receive_order(*, seller: Seller, site: MarketplaceSite, data: OrderInput) -> tuple[Order, bool]:
    """Take an order from the marketplace feed. Returns (order, created).

    The same (site, external id) again returns the stored order: the feed retries, and the
    unique constraint, not a look-up first, is what guarantees one order.
    """
    if not data.lines:
        raise ValidationFailed(_("La orden debe tener al menos una línea."), fields={"lines": [_("requerido")]})
    if data.placed_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationFailed(_("La fecha de compra está en el futuro."), fields={"placed_at": [_("futuro")]})
    if data.placed_at < timezone.now() - OLDEST_ORDER_AGE:
        # a feed sends orders as they happen: a date this old is a wrong zone, format or epoch, not a sale
        raise ValidationFailed(
            _("La fecha de compra tiene más de un año: revisa su formato y zona horaria."),
            fields={"placed_at": [_("más de un año atrás")]},
        )
    validate_buyer_document(document_type=data.buyer_document_type, number=data.buyer_document_number)

    existing = Order.objects.filter(site=site, external_id=data.external_id).first()
    if existing is not None:
        return _same_order_or_conflict(existing, seller=seller, data=data), False

    contract, _created = Contract.objects.get_or_create(seller=seller)
    subtotal = sum((line.unit_price * line.quantity for line in data.lines), Decimal("0"))
    try:
        with transaction.atomic():
            order = Order.objects.create(
                seller=seller,
                site=site,
                number=data.number,
                external_id=data.external_id,
                placed_at=data.placed_at,
                buyer_full_name=data.buyer_full_name,
                buyer_document_type=data.buyer_document_type,
                buyer_document_number=data.buyer_document_number,
                buyer_phone=data.buyer_phone,
                buyer_email=data.buyer_email,
                delivery_method=data.delivery_method,
                shipping_address=data.shipping_address,
                shipping_district=data.shipping_district,
                shipping_city=data.shipping_city,
                shipping_region=data.shipping_region,
                shipping_reference=data.shipping_reference,
                pickup_point_name=data.pickup_point_name,
                subtotal=subtotal,
                shipping_total=data.shipping_total,
                total=subtotal + data.shipping_total,
                currency=data.currency,
                payment_method=data.payment_method,
                payment_status=data.payment_status,
                logistics_mode=seller.logistics_mode,
                handling_deadline=data.placed_at + contract.handling_window,
            )
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=order,
                    sku=line.sku,
                    name=line.name,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                )
                for line in data.lines
            )
            record_event(order=order, kind="received", to_status=order.status, payload={"site": site.code})
            # a SKU the seller never listed appears on its Stock page with 0 on hand, moved by the feed
            ensure_skus(seller=seller, names={line.sku: line.name for line in data.lines}, actor=FEED, order=order)
            order_received.send(sender=Order, order=order, paid=data.payment_status == PaymentStatus.PAID)
            transaction.on_commit(
                lambda: order_created.send(sender=Order, order_id=order.pk, seller_id=seller.pk),
                robust=True,
            )
    except IntegrityError:
        # a concurrent delivery of the same feed message won the race
        existing = Order.objects.filter(site=site, external_id=data.external_id).first()
        if existing is None:
            raise Conflict(
                _("Ya existe una orden con el número %(number)s en este sitio.") % {"number": data.number},
                code="duplicate_number",
                fields={"number": [_("duplicado")]},
            ) from None
        return _same_order_or_conflict(existing, seller=seller, data=data), False
    return order, True


def _same_order_or_conflict(order: Order, *, seller: Seller, data: OrderInput) -> Order:
    if order.seller_id != seller.pk or order.number != data.number:
        raise Conflict(
            _("El id externo %(external_id)s ya corresponde a otra orden.") % {"external_id": data.external_id},
            code="external_id_conflict",
            fields={"external_id": [_("ya usado")]},
        )
    return order
