"""Every write of a SKU's quantities, each with its StockMovement in the same transaction.

Rows are always locked in SKU order (as reserve_stock does), so an edit, a bulk upload and an
"Iniciar manejo" touching the same SKUs wait for each other instead of deadlocking or losing an update.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ActorKind, MovementReason, StockItem, StockMovement
from core.errors import Conflict, NotFound, ValidationFailed
from sellers.models import Membership, Seller

# PositiveIntegerField's ceiling on every database Django supports
MAX_QUANTITY = 2_147_483_647


@dataclass(frozen=True)
class Actor:
    """Who changed a quantity: a member or an operator (a user), the marketplace feed, or the system."""

    kind: str
    user: object = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return str(ActorKind(self.kind).label)


FEED = Actor(ActorKind.FEED)
SYSTEM = Actor(ActorKind.SYSTEM)


def actor_for(user, *, seller: Seller) -> Actor:
    """A logged-in user is the seller's member, or else an operator (staff); nobody is the system."""
    if isinstance(user, Actor):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return SYSTEM
    if user.is_staff and not Membership.objects.filter(user=user, seller=seller).exists():
        return Actor(ActorKind.OPERATOR, user)
    return Actor(ActorKind.MEMBER, user)


def movement(
    item: StockItem,
    *,
    reason: str,
    actor: Actor,
    delta_on_hand: int = 0,
    delta_reserved: int = 0,
    order=None,
    upload=None,
    at=None,
) -> StockMovement:
    """The movement row of a change already applied to `item` (its quantities are the new ones)."""
    return StockMovement(
        seller_id=item.seller_id,
        stock_item=item,
        reason=reason,
        delta_on_hand=delta_on_hand,
        delta_reserved=delta_reserved,
        on_hand_after=item.quantity_on_hand,
        reserved_after=item.quantity_reserved,
        actor_kind=actor.kind,
        actor=actor.user,
        actor_label=actor.label,
        order=order,
        upload=upload,
        created_at=at or timezone.now(),
    )


# fulfillment (above catalog) registers who holds reservations: stock item ids -> {id: [(order id, number)]}
_holders_lookup: Callable[[Iterable[int]], dict[int, list[tuple[int, str]]]] | None = None


def register_holders_lookup(lookup: Callable[[Iterable[int]], dict[int, list[tuple[int, str]]]]) -> None:
    global _holders_lookup
    _holders_lookup = lookup


def holding_orders(stock_item_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    return _holders_lookup(list(stock_item_ids)) if _holders_lookup else {}


class BelowReserved(Conflict):
    """Lowering on hand below what open orders hold: refused, naming those orders."""

    code = "stock_below_reserved"

    def __init__(self, short: list[tuple[str, int, int, list[tuple[int, str]]]]):
        # (sku, requested, reserved, [(order id, number)])
        self.short = short
        parts = [
            _("%(sku)s: pides %(requested)s y hay %(reserved)s reservados por %(orders)s")
            % {
                "sku": sku,
                "requested": requested,
                "reserved": reserved,
                "orders": ", ".join(f"#{number}" for _id, number in holders) or _("órdenes en manejo"),
            }
            for sku, requested, reserved, holders in short
        ]
        super().__init__(
            _("No puedes dejar el stock por debajo de lo reservado por órdenes en manejo (%(detail)s).")
            % {"detail": "; ".join(parts)},
            fields={
                "sku": [sku for sku, *_rest in short],
                "orders": sorted({number for *_rest, holders in short for _id, number in holders}),
            },
        )


class StockUnavailable(Conflict):
    code = "stock_unavailable"

    def __init__(self, short_skus: list[str], items: dict[str, int] | None = None):
        self.short_skus = short_skus
        # sku -> stock item id, for links that set the stock (a SKU never listed has none)
        self.items = items or {}
        super().__init__(
            _("Stock insuficiente para: %(skus)s. Actualiza tu stock o cancela la orden.")
            % {"skus": ", ".join(short_skus)},
            fields={"sku": short_skus},
        )


def _locked(seller: Seller, **lookup) -> list[StockItem]:
    return list(StockItem.objects.select_for_update().filter(seller=seller, **lookup).order_by("sku"))


def _save_quantities(item: StockItem, now) -> None:
    item.updated_at = now
    StockItem.objects.filter(pk=item.pk).update(
        quantity_on_hand=item.quantity_on_hand, quantity_reserved=item.quantity_reserved, updated_at=now
    )


def reserve_stock(*, seller: Seller, quantities: dict[str, int], order=None, actor=None) -> dict[str, StockItem]:
    """Hold `quantities` (sku -> units) of the seller's stock for `order`, all or nothing.

    Must run inside the caller's transaction; rows are locked in SKU order so two orders
    reserving the same SKUs cannot deadlock.
    """
    assert transaction.get_connection().in_atomic_block, "reserve_stock needs a transaction"
    wanted = Counter(quantities)
    items = {item.sku: item for item in _locked(seller, sku__in=list(wanted))}
    short = sorted(sku for sku, qty in wanted.items() if sku not in items or items[sku].available < qty)
    if short:
        raise StockUnavailable(short, {sku: items[sku].pk for sku in short if sku in items})
    who, now = actor_for(actor, seller=seller), timezone.now()
    movements = []
    for sku in sorted(wanted):
        item = items[sku]
        item.quantity_reserved += wanted[sku]
        _save_quantities(item, now)
        movements.append(
            movement(
                item, reason=MovementReason.RESERVATION, actor=who, delta_reserved=wanted[sku], order=order, at=now
            )
        )
    StockMovement.objects.bulk_create(movements)
    return items


def _move(
    *, seller: Seller, quantities: dict[int, int], reason: str, on_hand: int, reserved: int, order, actor
) -> None:
    """Apply `on_hand`/`reserved` (+1, -1 or 0) times each quantity (stock item id -> units), locked, recorded."""
    if not quantities:
        return
    who = actor_for(actor, seller=seller)
    locked = _locked(seller, pk__in=list(quantities))
    now = timezone.now()  # after the wait for the lock: movements read in the order they happened
    movements = []
    for item in locked:
        qty = quantities[item.pk]
        item.quantity_on_hand += on_hand * qty
        item.quantity_reserved += reserved * qty
        _save_quantities(item, now)
        movements.append(
            movement(
                item,
                reason=reason,
                actor=who,
                delta_on_hand=on_hand * qty,
                delta_reserved=reserved * qty,
                order=order,
                at=now,
            )
        )
    StockMovement.objects.bulk_create(movements)


def release_stock(*, seller: Seller, quantities: dict[int, int], order=None, actor=None) -> None:
    """Give back reserved units (stock item id -> units), e.g. when a handled order is canceled."""
    _move(
        seller=seller,
        quantities=quantities,
        reason=MovementReason.RELEASE,
        on_hand=0,
        reserved=-1,
        order=order,
        actor=actor,
    )


def consume_stock(*, seller: Seller, quantities: dict[int, int], order=None, actor=None) -> None:
    """Reserved units leave the warehouse (shipped): off the shelf and out of the reservation."""
    _move(
        seller=seller,
        quantities=quantities,
        reason=MovementReason.SHIPMENT,
        on_hand=-1,
        reserved=-1,
        order=order,
        actor=actor,
    )


def restock(*, seller: Seller, quantities: dict[int, int], order=None, actor=None) -> None:
    """Units come back to the shelf (a parcel returned to the seller)."""
    _move(
        seller=seller,
        quantities=quantities,
        reason=MovementReason.RETURN,
        on_hand=1,
        reserved=0,
        order=order,
        actor=actor,
    )


WHOLE_NUMBER = re.compile(r"^[+-]?\d+(?:\.0*)?$")


def check_quantity(value, *, field: str = "quantity") -> int:
    """Units on hand as the seller typed them: a whole number from 0 up ("12", 12, 12.0), or a clear 400."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, (float, Decimal)) and value == value and value % 1 == 0:  # value == value: not NaN
        number = int(value)
    elif isinstance(value, str) and WHOLE_NUMBER.match(value.strip()):
        number = int(value.strip().split(".")[0])
    if number is None:
        raise ValidationFailed(
            _("La cantidad debe ser un número entero."), fields={field: [_("debe ser un número entero")]}
        )
    if number < 0:
        raise ValidationFailed(_("La cantidad no puede ser negativa."), fields={field: [_("no puede ser negativa")]})
    if number > MAX_QUANTITY:
        raise ValidationFailed(_("La cantidad es demasiado grande."), fields={field: [_("demasiado grande")]})
    return number


def set_stock(
    *, seller: Seller, sku: str, quantity, actor, reason: str = MovementReason.MANUAL, **changes
) -> StockItem:
    """Set a SKU's units on hand (absolute, so a retry changes nothing twice), with its movement.

    `changes` may also set `name` and `low_stock_threshold`. Lowering on hand below what open
    orders hold is refused (409) naming those orders. Another seller's SKU is simply not found.
    """
    quantity = check_quantity(quantity)
    with transaction.atomic():
        locked = _locked(seller, sku=sku)
        if not locked:
            raise NotFound(_("SKU no encontrado."), fields={"sku": [sku]})
        item = locked[0]
        if quantity < item.quantity_reserved:
            raise BelowReserved([(sku, quantity, item.quantity_reserved, holding_orders([item.pk]).get(item.pk, []))])
        delta = quantity - item.quantity_on_hand
        now = timezone.now()
        for field in ("name", "low_stock_threshold"):
            if field in changes:
                setattr(item, field, changes[field])
        item.quantity_on_hand = quantity
        item.updated_at = now
        item.save(update_fields=["quantity_on_hand", "name", "low_stock_threshold", "updated_at"])
        if delta:
            movement(item, reason=reason, actor=actor_for(actor, seller=seller), delta_on_hand=delta, at=now).save()
    return item


def create_sku(*, seller: Seller, sku: str, name: str, actor, quantity=0, order=None) -> StockItem:
    """A new SKU with its opening movement (0 units is a movement too: the SKU appeared then)."""
    sku, name = (sku or "").strip(), (name or "").strip()[:200]
    if not sku or len(sku) > 64:
        raise ValidationFailed(
            _("El SKU es obligatorio (hasta 64 caracteres)."), fields={"sku": [_("1 a 64 caracteres")]}
        )
    quantity = check_quantity(quantity)
    with transaction.atomic():
        item = StockItem.objects.create(seller=seller, sku=sku, name=name or sku, quantity_on_hand=quantity)
        movement(
            item,
            reason=MovementReason.OPENING,
            actor=actor_for(actor, seller=seller),
            delta_on_hand=quantity,
            order=order,
        ).save()
    return item


def ensure_skus(*, seller: Seller, names: dict[str, str], actor, order=None) -> list[StockItem]:
    """SKUs an order asks for that the seller never listed: created with 0 on hand, so they show
    on the Stock page. Two orders bringing the same new SKU at once create it once."""
    known = set(StockItem.objects.filter(seller=seller, sku__in=list(names)).values_list("sku", flat=True))
    created = []
    for sku in sorted(set(names) - known):
        try:
            with transaction.atomic():
                created.append(create_sku(seller=seller, sku=sku, name=names[sku], actor=actor, order=order))
        except IntegrityError:
            continue  # another order created it a moment ago
    return created
