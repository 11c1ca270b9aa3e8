from collections import Counter

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from catalog.models import StockItem
from core.errors import Conflict
from sellers.models import Seller


class StockUnavailable(Conflict):
    code = "stock_unavailable"

    def __init__(self, short_skus: list[str]):
        self.short_skus = short_skus
        super().__init__(
            _("Stock insuficiente para: %(skus)s. Actualiza tu stock o cancela la orden.")
            % {"skus": ", ".join(short_skus)},
            fields={"sku": short_skus},
        )


def reserve_stock(*, seller: Seller, quantities: dict[str, int]) -> dict[str, StockItem]:
    """Hold `quantities` (sku -> units) of the seller's stock, all or nothing.

    Must run inside the caller's transaction; rows are locked in SKU order so two orders
    reserving the same SKUs cannot deadlock.
    """
    assert transaction.get_connection().in_atomic_block, "reserve_stock needs a transaction"
    wanted = Counter(quantities)
    items = {
        item.sku: item
        for item in StockItem.objects.select_for_update().filter(seller=seller, sku__in=list(wanted)).order_by("sku")
    }
    short = sorted(sku for sku, qty in wanted.items() if sku not in items or items[sku].available < qty)
    if short:
        raise StockUnavailable(short)
    for sku, qty in wanted.items():
        StockItem.objects.filter(pk=items[sku].pk).update(quantity_reserved=F("quantity_reserved") + qty)
        items[sku].quantity_reserved += qty
    return items


def release_stock(*, seller: Seller, quantities: dict[int, int]) -> None:
    """Give back reserved units (stock item id -> units), e.g. when a handled order is canceled."""
    for stock_item_id, qty in sorted(quantities.items()):
        StockItem.objects.filter(pk=stock_item_id, seller=seller).update(quantity_reserved=F("quantity_reserved") - qty)


def consume_stock(*, seller: Seller, quantities: dict[int, int]) -> None:
    """Reserved units leave the warehouse (shipped): off the shelf and out of the reservation."""
    for stock_item_id, qty in sorted(quantities.items()):
        StockItem.objects.filter(pk=stock_item_id, seller=seller).update(
            quantity_on_hand=F("quantity_on_hand") - qty, quantity_reserved=F("quantity_reserved") - qty
        )


def restock(*, seller: Seller, quantities: dict[int, int]) -> None:
    """Units come back to the shelf (a parcel returned to the seller)."""
    for stock_item_id, qty in sorted(quantities.items()):
        StockItem.objects.filter(pk=stock_item_id, seller=seller).update(quantity_on_hand=F("quantity_on_hand") + qty)
