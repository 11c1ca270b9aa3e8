"""Manual orders («Nueva orden»): sales the seller makes itself, by phone or in its store.

They carry the channel «Venta directa» (no marketplace site, a number V-000123 of their own), start
«Para manejo» and follow the same workflow; the marketplace's deadlines and penalties do not bind
them (`Order.penalties_apply`). «Pago ya procesado» registers the payment through payments.services,
like «Registrar pago». Lines are chosen from the seller's SKUs; the seller types the unit
price, since a SKU has no price of its own. Stock is reserved at «Iniciar manejo», like any order.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import StockItem
from core.errors import NotFound, ValidationFailed
from orders.models import Channel, DeliveryMethod, DocumentType, Order, OrderLine, PaymentMethod
from orders.services import next_direct_number, validate_buyer_document
from orders.workflow import order_created, record_event
from payments.ledger import ZERO, Totals, payment_status_of
from payments.models import Source
from payments.services import register_payment
from sellers.models import Contract, Seller

MAX_LINES = 100
MAX_QUANTITY = 100_000
MAX_AMOUNT = Decimal("9999999999.99")  # what Order's 12-digit money columns hold
DEFAULT_PICKUP_POINT = "Recojo en tienda"
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


@dataclass
class ManualLine:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass
class ManualOrderInput:
    buyer_full_name: str
    buyer_document_type: str
    buyer_document_number: str
    payment_method: str
    lines: list[ManualLine]
    buyer_phone: str = ""
    buyer_email: str = ""
    delivery_method: str = DeliveryMethod.HOME_DELIVERY
    shipping_address: str = ""
    shipping_district: str = ""
    shipping_city: str = ""
    shipping_region: str = ""
    shipping_reference: str = ""
    pickup_point_name: str = ""
    shipping_total: Decimal = Decimal("0.00")
    # «Pago ya procesado»: the buyer already paid (cash at the counter, a card on the POS, a transfer seen)
    payment_processed: bool = False
    payment_reference: str = ""
    extra: dict = field(default_factory=dict)


def create_manual_order(*, seller: Seller, actor, data: ManualOrderInput) -> Order:
    """Create a direct sale «Para manejo»; with «Pago ya procesado», its payment for the total too.

    Bad input is a ValidationFailed naming each field; a SKU the seller does not have (unknown, or
    another seller's) is a NotFound. Either way nothing is written.
    """
    data = _cleaned(data)
    _validate(data)
    items = _stock_items(seller=seller, lines=data.lines)
    subtotal = sum((line.unit_price * line.quantity for line in data.lines), Decimal("0"))
    total = subtotal + data.shipping_total
    if total > MAX_AMOUNT:
        raise ValidationFailed(_("El total de la orden es demasiado grande."), fields={"lines": [_("total excesivo")]})
    contract, _created = Contract.objects.get_or_create(seller=seller)
    now = timezone.now()
    with transaction.atomic():
        number = next_direct_number(seller=seller)
        order = Order.objects.create(
            seller=seller,
            site=None,
            channel=Channel.DIRECT,
            number=number,
            external_id=number,
            placed_at=now,
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
            total=total,
            currency="PEN",
            payment_method=data.payment_method,
            # derived from the (still empty) ledger: «Pendiente» until a payment is registered
            payment_status=payment_status_of(total=total, totals=Totals(received=ZERO, refunded=ZERO)),
            logistics_mode=seller.logistics_mode,
            # the column is required; for a direct sale no deadline is enforced (penalties_apply is False)
            handling_deadline=now + contract.handling_window,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                sku=line.sku,
                name=items[line.sku].name,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in data.lines
        )
        record_event(
            order=order,
            kind="created_manually",
            actor=actor,
            to_status=order.status,
            payload={
                "channel": Channel.DIRECT.value,
                "payment_method": data.payment_method,
                "payment_processed": data.payment_processed,
                "total": str(total),
            },
        )
        if data.payment_processed:
            register_processed_payment(order=order, seller=seller, actor=actor, reference=data.payment_reference)
        transaction.on_commit(
            lambda: order_created.send(sender=Order, order_id=order.pk, seller_id=seller.pk), robust=True
        )
    return order


def register_processed_payment(*, order: Order, seller: Seller, actor, reference: str) -> None:
    """«Pago ya procesado»: the payment of the total goes into the ledger through the payments service
    (a row with who, when, method and reference, its order event, the derived payment status)."""
    if order.total <= 0:
        return  # nothing to pay: the ledger already says «Pagado»
    try:
        register_payment(order_id=order.pk, seller=seller, actor=actor, reference=reference, source=Source.MEMBER)
    except ValidationFailed as refused:
        # the form and the API call it payment_reference
        fields = {("payment_reference" if name == "reference" else name): v for name, v in refused.fields.items()}
        raise ValidationFailed(refused.message, code=refused.code, fields=fields) from None
    order.refresh_from_db(fields=["payment_status", "handling_deadline", "updated_at"])


def _cleaned(data: ManualOrderInput) -> ManualOrderInput:
    data = dataclasses.replace(data)  # a copy: the caller's input stays as it was
    text_fields = (
        "buyer_full_name",
        "buyer_document_type",
        "buyer_document_number",
        "payment_method",
        "buyer_phone",
        "buyer_email",
        "delivery_method",
        "shipping_address",
        "shipping_district",
        "shipping_city",
        "shipping_region",
        "shipping_reference",
        "pickup_point_name",
        "payment_reference",
    )
    for name in text_fields:
        setattr(data, name, str(getattr(data, name) or "").strip())
    data.buyer_document_number = data.buyer_document_number.replace(" ", "")
    data.lines = [
        ManualLine(sku=str(line.sku or "").strip(), quantity=line.quantity, unit_price=line.unit_price)
        for line in data.lines
    ]
    if data.delivery_method == DeliveryMethod.PICKUP_POINT:
        data.pickup_point_name = data.pickup_point_name or DEFAULT_PICKUP_POINT
    if data.shipping_total is None:
        data.shipping_total = Decimal("0.00")
    return data


def _validate(data: ManualOrderInput) -> None:
    """Every problem at once, each beside its field."""
    errors: dict[str, list[str]] = {}

    def problem(name: str, text: str) -> None:
        errors.setdefault(name, []).append(text)

    if not data.buyer_full_name:
        problem("buyer_full_name", _("Indica el nombre del comprador."))
    elif len(data.buyer_full_name) > 200:
        problem("buyer_full_name", _("Máximo 200 caracteres."))
    if data.buyer_document_type not in DocumentType.values:
        problem("buyer_document_type", _("Elige un tipo de documento válido."))
    if not data.buyer_document_number:
        problem("buyer_document_number", _("Indica el número de documento."))
    elif len(data.buyer_document_number) > 20:
        problem("buyer_document_number", _("Máximo 20 caracteres."))
    else:
        try:
            validate_buyer_document(document_type=data.buyer_document_type, number=data.buyer_document_number)
        except ValidationFailed as invalid:
            problem("buyer_document_number", invalid.message)
    if data.buyer_phone and not PHONE.match(data.buyer_phone):
        problem("buyer_phone", _("Escribe un teléfono válido (solo dígitos, de 6 a 20)."))
    if data.buyer_email:
        try:
            validate_email(data.buyer_email)
        except DjangoValidationError:
            problem("buyer_email", _("Escribe un correo válido."))
    if data.delivery_method not in DeliveryMethod.values:
        problem("delivery_method", _("Elige despacho a domicilio o recojo."))
    elif data.delivery_method == DeliveryMethod.HOME_DELIVERY:
        for name, label in (
            ("shipping_address", _("Indica la dirección de entrega.")),
            ("shipping_district", _("Indica el distrito.")),
            ("shipping_city", _("Indica la ciudad.")),
        ):
            if not getattr(data, name):
                problem(name, label)
    for name, limit in (
        ("shipping_address", 300),
        ("shipping_district", 100),
        ("shipping_city", 100),
        ("shipping_region", 100),
        ("shipping_reference", 300),
        ("pickup_point_name", 200),
        ("payment_reference", 100),
    ):
        if len(getattr(data, name)) > limit:
            problem(name, _("Máximo %(limit)d caracteres.") % {"limit": limit})
    if not isinstance(data.shipping_total, Decimal) or not data.shipping_total.is_finite():
        problem("shipping_total", _("Escribe un monto válido."))
    elif data.shipping_total < 0:
        problem("shipping_total", _("El costo de envío no puede ser negativo."))
    elif data.shipping_total.as_tuple().exponent < -2:
        problem("shipping_total", _("Usa como máximo 2 decimales."))
    elif data.shipping_total > MAX_AMOUNT:
        problem("shipping_total", _("El monto es demasiado grande."))
    if data.payment_method not in PaymentMethod.values:
        problem("payment_method", _("Elige una forma de pago válida."))
    elif data.payment_processed and data.payment_method == PaymentMethod.CASH_ON_DELIVERY:
        problem(
            "payment_processed",
            _("Un pago contra entrega se cobra al entregar: no puede estar ya procesado."),
        )
    _validate_lines(data.lines, problem)
    if errors:
        raise ValidationFailed(_("Revisa los datos de la orden."), fields=errors)


def _validate_lines(lines: list[ManualLine], problem) -> None:
    if not lines:
        problem("lines", _("Agrega al menos un producto."))
        return
    if len(lines) > MAX_LINES:
        problem("lines", _("Máximo %(limit)d productos por orden.") % {"limit": MAX_LINES})
        return
    repeated = {sku for sku, times in Counter(line.sku for line in lines if line.sku).items() if times > 1}
    for index, line in enumerate(lines):
        where = f"lines.{index}"
        if not line.sku:
            problem(f"{where}.sku", _("Elige un SKU."))
        elif line.sku in repeated:
            problem(f"{where}.sku", _("SKU repetido: súmalo en una sola línea."))
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int):
            problem(f"{where}.quantity", _("La cantidad debe ser un número entero."))
        elif line.quantity < 1:
            problem(f"{where}.quantity", _("La cantidad debe ser al menos 1."))
        elif line.quantity > MAX_QUANTITY:
            problem(f"{where}.quantity", _("La cantidad es demasiado grande."))
        if line.unit_price is None:
            problem(f"{where}.unit_price", _("Indica el precio unitario."))
        elif not isinstance(line.unit_price, Decimal) or not line.unit_price.is_finite():
            problem(f"{where}.unit_price", _("Escribe un precio válido."))
        elif line.unit_price < 0:
            problem(f"{where}.unit_price", _("El precio no puede ser negativo."))
        elif line.unit_price.as_tuple().exponent < -2:
            problem(f"{where}.unit_price", _("Usa como máximo 2 decimales."))
        elif line.unit_price > MAX_AMOUNT:
            problem(f"{where}.unit_price", _("El precio es demasiado grande."))


def _stock_items(*, seller: Seller, lines: list[ManualLine]) -> dict[str, StockItem]:
    """The seller's SKUs named by the lines; one it does not have (unknown or another seller's) is 404."""
    skus = [line.sku for line in lines]
    items = {item.sku: item for item in StockItem.objects.filter(seller=seller, sku__in=skus)}
    missing = {
        f"lines.{index}.sku": [_("No tienes el SKU %(sku)s.") % {"sku": line.sku}]
        for index, line in enumerate(lines)
        if line.sku not in items
    }
    if missing:
        raise NotFound(
            _("SKU no encontrado en tu catálogo: %(skus)s.")
            % {"skus": ", ".join(sorted({line.sku for line in lines if line.sku not in items}))},
            code="sku_not_found",
            fields=missing,
        )
    return items
