from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.services import consume_stock, release_stock, reserve_stock, restock
from core.errors import Conflict, ValidationFailed
from fulfillment.deadlines import raise_if_late
from fulfillment.models import PenaltyRule, Shipment, StockReservation
from orders.models import Order, awaits_payment
from orders.workflow import transition
from sellers.models import Contract, Seller


def start_handling(*, order_id: int, seller: Seller, actor) -> Order:
    """ "Iniciar manejo": the seller confirms stock; the units are reserved for this order."""

    started_at = timezone.now()

    def guard(order: Order) -> dict:
        if awaits_payment(order):
            raise Conflict(
                _("El pago de la orden aún no está confirmado; registra el pago o espera su confirmación."),
                code="payment_pending",
            )
        quantities = Counter()
        for line in order.lines.all():
            quantities[line.sku] += line.quantity
        items = reserve_stock(seller=seller, quantities=dict(quantities), order=order, actor=actor)
        StockReservation.objects.bulk_create(
            StockReservation(order=order, stock_item=items[sku], quantity=qty) for sku, qty in quantities.items()
        )
        contract, _created = Contract.objects.get_or_create(seller=seller)
        order.ship_by_deadline = started_at + contract.ship_by_window
        # a direct sale answers to no marketplace deadline: never late, never penalised
        late = order.penalties_apply and started_at > order.handling_deadline
        payload = {"reserved": dict(quantities), "late": late}
        if late:
            # under the row lock, racing the sweep on the unique (order, rule): once either way
            penalty_id = raise_if_late(order=order, rule=PenaltyRule.LATE_HANDLING, now=started_at)
            if penalty_id:
                payload["penalty_id"] = penalty_id
        return payload

    return transition(
        order_id=order_id,
        seller=seller,
        action="start_handling",
        actor=actor,
        guard=guard,
        occurred_at=started_at,
        also_save=("ship_by_deadline",),
    )


def ship(
    *,
    order_id: int,
    seller: Seller,
    actor,
    carrier: str,
    tracking_number: str,
    tracking_url: str = "",
    guide_number: str = "",
    shipped_at: datetime | None = None,
) -> Order:
    """ "Realizar envío": the parcel left with a carrier; record who and how to track it."""
    carrier = (carrier or "").strip()
    tracking_number = (tracking_number or "").strip()
    errors = {}
    if not carrier:
        errors["carrier"] = [_("Indica el transportista.")]
    if not tracking_number:
        errors["tracking_number"] = [_("Indica el número de seguimiento.")]
    if tracking_url and not tracking_url.lower().startswith(("https://", "http://")):
        errors["tracking_url"] = [_("Debe ser una URL http(s).")]
    now = timezone.now()
    shipped_at = shipped_at or now
    if timezone.is_naive(shipped_at):
        shipped_at = timezone.make_aware(shipped_at)
    if shipped_at > now + timezone.timedelta(minutes=1):
        errors["shipped_at"] = [_("La fecha de envío no puede estar en el futuro.")]
    if errors:
        raise ValidationFailed(_("Revisa los datos del envío."), fields=errors)

    def guard(order: Order) -> dict:
        extra = {}
        # lateness is judged by when the seller acts, not by the shipped_at it declares
        if order.penalties_apply and order.ship_by_deadline is not None and now > order.ship_by_deadline:
            extra["late"] = True
            penalty_id = raise_if_late(order=order, rule=PenaltyRule.LATE_SHIPPING, now=now)
            if penalty_id:
                extra["penalty_id"] = penalty_id
        if shipped_at < order.placed_at:
            raise ValidationFailed(
                _("La fecha de envío no puede ser anterior a la compra."),
                fields={"shipped_at": [_("anterior a la compra")]},
            )
        ship_reserved_stock(order=order, actor=actor)
        Shipment.objects.create(
            order=order,
            seller=seller,
            carrier=carrier,
            tracking_number=tracking_number,
            tracking_url=tracking_url,
            guide_number=(guide_number or "").strip(),
            shipped_at=shipped_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        return {"carrier": carrier, "tracking_number": tracking_number, "shipped_at": shipped_at.isoformat(), **extra}

    return transition(order_id=order_id, seller=seller, action="ship", actor=actor, guard=guard, occurred_at=shipped_at)


def release_reservations(*, order: Order, actor=None) -> None:
    """Give the order's held units back to stock (canceled before its parcel left)."""
    held = StockReservation.objects.held().filter(order=order)
    quantities = dict(held.values_list("stock_item_id", "quantity"))
    if quantities:
        release_stock(seller=order.seller, quantities=quantities, order=order, actor=actor)
        held.update(released_at=timezone.now())


def ship_reserved_stock(*, order: Order, actor=None) -> None:
    """The parcel left: its held units come off the shelf for good."""
    held = StockReservation.objects.held().filter(order=order)
    quantities = dict(held.values_list("stock_item_id", "quantity"))
    if quantities:
        consume_stock(seller=order.seller, quantities=quantities, order=order, actor=actor)
        held.update(shipped_at=timezone.now())


def restock_returned(*, order: Order, actor=None) -> None:
    """A returned parcel puts its units back on the shelf, once."""
    shipped = StockReservation.objects.filter(order=order, shipped_at__isnull=False, restocked_at__isnull=True)
    quantities = dict(shipped.values_list("stock_item_id", "quantity"))
    if quantities:
        restock(seller=order.seller, quantities=quantities, order=order, actor=actor)
        shipped.update(restocked_at=timezone.now())


def holding_orders(stock_item_ids) -> dict[int, list[tuple[int, str]]]:
    """Which orders hold units of these SKUs now (stock item id -> [(order id, number)])."""
    holders: dict[int, list[tuple[int, str]]] = {}
    rows = (
        StockReservation.objects.held()
        .filter(stock_item_id__in=list(stock_item_ids))
        .order_by("order__number")
        .values_list("stock_item_id", "order_id", "order__number")
    )
    for item_id, order_id, number in rows:
        holders.setdefault(item_id, []).append((order_id, number))
    return holders
