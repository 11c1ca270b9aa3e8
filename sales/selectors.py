"""Reads for manual orders; every one takes the seller."""

from __future__ import annotations

from catalog.models import StockItem
from sellers.models import Seller

SKU_SUGGESTIONS = 500


def sku_choices(*, seller: Seller, limit: int = SKU_SUGGESTIONS) -> list[tuple[str, str, int]]:
    """(sku, name, available) of the seller's SKUs, for the «Nueva orden» suggestions; the service checks the SKU."""
    items = StockItem.objects.filter(seller=seller).order_by("sku")[:limit]
    return [(item.sku, item.name, item.available) for item in items]
