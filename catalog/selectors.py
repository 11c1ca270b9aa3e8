"""Reads of the seller's stock; every one takes the seller."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import StockItem, StockMovement, StockUpload, StockUploadRow
from core.errors import NotFound
from sellers.models import Seller

OUT_OF_STOCK, LOW_STOCK = "out_of_stock", "low_stock"
STATUS_CHOICES = [(OUT_OF_STOCK, gettext_lazy("Sin stock")), (LOW_STOCK, gettext_lazy("Stock bajo"))]
SORTS = {
    "sku": ("sku", "id"),
    "name": ("name", "id"),
    "available": ("units_available", "sku", "id"),
    "-available": ("-units_available", "sku", "id"),
    "-updated_at": ("-updated_at", "-id"),
}
SORT_CHOICES = [
    ("sku", gettext_lazy("SKU")),
    ("name", gettext_lazy("Nombre")),
    ("available", gettext_lazy("Menos disponible primero")),
    ("-available", gettext_lazy("Más disponible primero")),
    ("-updated_at", gettext_lazy("Último cambio primero")),
]
# "sin stock": nothing available; "stock bajo": some, but at most the SKU's threshold
OUT_OF_STOCK_Q = Q(units_available__lte=0)
LOW_STOCK_Q = Q(units_available__gt=0, units_available__lte=F("threshold_value"))


def stock_list(*, seller: Seller, search: str = "", status: str | None = None, sort: str | None = "") -> QuerySet:
    """The seller's SKUs with `units_available` and `threshold_value` annotated; search by SKU or name."""
    items = StockItem.objects.filter(seller=seller).annotate(
        units_available=F("quantity_on_hand") - F("quantity_reserved"),
        threshold_value=Coalesce("low_stock_threshold", Value(settings.STOCK_LOW_THRESHOLD)),
    )
    search = (search or "").strip()
    if search:
        items = items.filter(Q(sku__iexact=search) | Q(sku__icontains=search) | Q(name__icontains=search))
    if status == OUT_OF_STOCK:
        items = items.filter(OUT_OF_STOCK_Q)
    elif status == LOW_STOCK:
        items = items.filter(LOW_STOCK_Q)
    return items.order_by(*SORTS.get(sort or "sku", SORTS["sku"]))


def stock_item_of(*, seller: Seller, sku: str | None = None, item_id: int | None = None) -> StockItem:
    lookup = {"sku": sku} if sku is not None else {"pk": item_id}
    item = stock_list(seller=seller).filter(**lookup).first()
    if item is None:
        raise NotFound(_("SKU no encontrado."))
    return item


def movements_of(*, item: StockItem, limit: int | None = 200) -> list[StockMovement]:
    movements = (
        StockMovement.objects.filter(stock_item=item, seller_id=item.seller_id)
        .select_related("order")
        .order_by("-created_at", "-id")
    )
    return list(movements[:limit] if limit else movements)


def item_ids_by_sku(*, seller: Seller, skus: list[str]) -> dict[str, int]:
    return dict(StockItem.objects.filter(seller=seller, sku__in=skus).values_list("sku", "pk"))


def upload_errors(*, upload: StockUpload, limit: int = 1000) -> list[StockUploadRow]:
    return list(upload.rows.exclude(error="").order_by("line")[:limit])


def recent_uploads(*, seller: Seller, limit: int = 5) -> list[StockUpload]:
    return list(StockUpload.objects.filter(seller=seller).exclude(filename="API").order_by("-created_at")[:limit])
