"""Bulk stock updates, set-based: staged rows (StockUploadRow) are judged and applied with a handful
of SQL statements, whatever their number, never row by row. The same path serves a confirmed file
upload and `PUT /api/v1/stock/` (up to 1,000 items). Runs on PostgreSQL and on SQLite (the demo)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import MovementReason, StockItem, StockMovement, StockUpload, StockUploadRow, UploadStatus
from catalog.services import BelowReserved, actor_for, check_quantity, holding_orders
from core.errors import Conflict, NotFound, ValidationFailed
from sellers.models import Seller

ITEM = StockItem._meta.db_table
ROW = StockUploadRow._meta.db_table
MOVEMENT = StockMovement._meta.db_table
MAX_API_ITEMS = 1000
# a refusal names at most this many SKUs (and their orders)
MAX_NAMED = 20


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def judge_rows(*, upload: StockUpload, create_missing: bool) -> None:
    """Mark, in SQL, the staged rows that cannot be applied: a repeated SKU, a SKU the seller does not
    have (and, for a file, no name to create it with), fewer units than open orders hold."""
    repeated = _("SKU repetido: ya está en la fila {line}.")
    _execute(
        f"""
        UPDATE {ROW} SET error = REPLACE(%s, '{{line}}', CAST(d.first_line AS TEXT))
        FROM (
            SELECT id, ROW_NUMBER() OVER (PARTITION BY sku ORDER BY line) AS rn,
                   MIN(line) OVER (PARTITION BY sku) AS first_line
            FROM {ROW} WHERE upload_id = %s AND sku <> ''
        ) AS d
        WHERE {ROW}.id = d.id AND d.rn > 1 AND {ROW}.error = ''
        """,
        [repeated, upload.pk],
    )
    unknown = _("SKU no registrado: agrega su nombre en la columna name para crearlo.") if create_missing else ""
    _execute(
        f"""
        UPDATE {ROW} SET error = %s
        WHERE upload_id = %s AND error = '' AND (name = '' OR %s)
          AND NOT EXISTS (SELECT 1 FROM {ITEM} s WHERE s.seller_id = %s AND s.sku = {ROW}.sku)
        """,
        [unknown or _("SKU no encontrado."), upload.pk, not create_missing, upload.seller_id],
    )
    below = _fetch(
        f"""
        SELECT r.id, s.id, r.quantity, s.quantity_reserved FROM {ROW} r
        JOIN {ITEM} s ON s.seller_id = %s AND s.sku = r.sku
        WHERE r.upload_id = %s AND r.error = '' AND r.quantity < s.quantity_reserved
        """,
        [upload.seller_id, upload.pk],
    )
    if below:
        holders = holding_orders(item_id for _row, item_id, _q, _r in below)
        rows = []
        for row_id, item_id, _quantity, reserved in below:
            orders = ", ".join(f"#{number}" for _id, number in holders.get(item_id, [])) or "—"
            message = _("Menos que lo reservado (%(reserved)s) por órdenes en manejo: %(orders)s.") % {
                "reserved": reserved,
                "orders": orders,
            }
            rows.append(StockUploadRow(pk=row_id, error=message[:300]))
        StockUploadRow.objects.bulk_update(rows, ["error"], batch_size=1000)


@dataclass(frozen=True)
class Preview:
    new: int
    changed: int
    unchanged: int


def preview_counts(upload: StockUpload) -> Preview:
    """What confirming would do: SKUs created, quantities changed, rows that change nothing."""
    ((new, changed, unchanged),) = _fetch(
        f"""
        SELECT
            COALESCE(SUM(CASE WHEN s.id IS NULL THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN s.id IS NOT NULL AND s.quantity_on_hand <> r.quantity THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN s.id IS NOT NULL AND s.quantity_on_hand = r.quantity THEN 1 ELSE 0 END), 0)
        FROM {ROW} r LEFT JOIN {ITEM} s ON s.seller_id = %s AND s.sku = r.sku
        WHERE r.upload_id = %s AND r.error = ''
        """,
        [upload.seller_id, upload.pk],
    )
    return Preview(new=int(new), changed=int(changed), unchanged=int(unchanged))


def upload_of(*, seller: Seller, upload_id: int) -> StockUpload:
    upload = StockUpload.objects.filter(pk=upload_id, seller=seller).first()
    if upload is None:
        raise NotFound(_("Carga no encontrada."))
    return upload


def apply_upload(*, seller: Seller, upload_id: int, actor) -> tuple[StockUpload, bool]:
    """Apply a staged upload, all or nothing; (upload, applied now). A second confirm changes nothing."""
    with transaction.atomic():
        upload = StockUpload.objects.select_for_update().filter(pk=upload_id, seller=seller).first()
        if upload is None:
            raise NotFound(_("Carga no encontrada."))
        if upload.status == UploadStatus.APPLIED:
            return upload, False
        if upload.error_count:
            raise Conflict(
                _("La carga tiene %(count)s filas con errores: corrígelas y vuelve a subir el archivo.")
                % {"count": upload.error_count},
                code="upload_has_errors",
            )
        _apply(upload=upload, actor=actor)
        upload.status = UploadStatus.APPLIED
        upload.applied_at = timezone.now()
        upload.applied_by = getattr(actor, "user", actor)
        upload.save(update_fields=["status", "applied_at", "applied_by"])
    return upload, True


def _apply(*, upload: StockUpload, actor) -> None:
    seller_id, now = upload.seller_id, timezone.now()
    who = actor_for(actor, seller=upload.seller)
    actor_columns = [who.kind, getattr(who.user, "pk", None), who.label[:150]]
    # 1. SKUs the file brings: created with 0 on hand and their opening movement (a concurrent
    #    creation of the same SKU wins quietly: the update below sets its quantity all the same)
    _execute(
        f"""
        INSERT INTO {ITEM} (seller_id, sku, name, quantity_on_hand, quantity_reserved, updated_at)
        SELECT %s, r.sku, r.name, 0, 0, %s FROM {ROW} r
        WHERE r.upload_id = %s AND NOT EXISTS (SELECT 1 FROM {ITEM} s WHERE s.seller_id = %s AND s.sku = r.sku)
        ORDER BY r.sku
        ON CONFLICT (seller_id, sku) DO NOTHING
        """,
        [seller_id, now, upload.pk, seller_id],
    )
    _execute(
        f"""
        INSERT INTO {MOVEMENT} (seller_id, stock_item_id, reason, delta_on_hand, delta_reserved, on_hand_after,
            reserved_after, actor_kind, actor_id, actor_label, order_id, upload_id, created_at)
        SELECT s.seller_id, s.id, %s, 0, 0, 0, 0, %s, %s, %s, NULL, %s, %s
        FROM {ITEM} s JOIN {ROW} r ON r.upload_id = %s AND r.sku = s.sku
        WHERE s.seller_id = %s AND NOT EXISTS (SELECT 1 FROM {MOVEMENT} m WHERE m.stock_item_id = s.id)
        """,
        [MovementReason.OPENING, *actor_columns, upload.pk, now, upload.pk, seller_id],
    )
    # 2. every SKU of the upload locked in SKU order, as reserve_stock locks them (SQLite locks the file)
    if connection.vendor == "postgresql":
        _fetch(
            f"""
            SELECT COUNT(*) FROM (
                SELECT s.id FROM {ITEM} s JOIN {ROW} r ON r.upload_id = %s AND r.sku = s.sku
                WHERE s.seller_id = %s ORDER BY s.sku FOR UPDATE OF s
            ) AS locked
            """,
            [upload.pk, seller_id],
        )
    now = timezone.now()  # after the wait for the locks
    # 3. never below what open orders hold
    below = _fetch(
        f"""
        SELECT s.id, s.sku, r.quantity, s.quantity_reserved FROM {ITEM} s
        JOIN {ROW} r ON r.upload_id = %s AND r.sku = s.sku
        WHERE s.seller_id = %s AND r.quantity < s.quantity_reserved ORDER BY s.sku LIMIT %s
        """,
        [upload.pk, seller_id, MAX_NAMED],
    )
    if below:
        holders = holding_orders(item_id for item_id, *_rest in below)
        raise BelowReserved(
            [(sku, quantity, reserved, holders.get(item_id, [])) for item_id, sku, quantity, reserved in below]
        )
    # 4. the movements, from the quantities before the update, then the update itself
    _execute(
        f"""
        INSERT INTO {MOVEMENT} (seller_id, stock_item_id, reason, delta_on_hand, delta_reserved, on_hand_after,
            reserved_after, actor_kind, actor_id, actor_label, order_id, upload_id, created_at)
        SELECT s.seller_id, s.id, %s, r.quantity - s.quantity_on_hand, 0, r.quantity, s.quantity_reserved,
            %s, %s, %s, NULL, %s, %s
        FROM {ITEM} s JOIN {ROW} r ON r.upload_id = %s AND r.sku = s.sku
        WHERE s.seller_id = %s AND s.quantity_on_hand <> r.quantity
        """,
        [MovementReason.BULK, *actor_columns, upload.pk, now, upload.pk, seller_id],
    )
    _execute(
        f"""
        UPDATE {ITEM} SET quantity_on_hand = r.quantity,
            name = CASE WHEN r.name <> '' THEN r.name ELSE {ITEM}.name END, updated_at = %s
        FROM {ROW} r
        WHERE r.upload_id = %s AND r.sku = {ITEM}.sku AND {ITEM}.seller_id = %s
          AND ({ITEM}.quantity_on_hand <> r.quantity OR (r.name <> '' AND r.name <> {ITEM}.name))
        """,
        [now, upload.pk, seller_id],
    )


def check_items(items) -> list[tuple[str, int]]:
    """The API's `items` as (sku, quantity) pairs, or a 400 saying which item and why."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed(_("Envía «items»: una lista de {sku, quantity}."), fields={"items": [_("requerido")]})
    if len(items) > MAX_API_ITEMS:
        raise ValidationFailed(
            _("Como máximo %(limit)s items por llamada.") % {"limit": MAX_API_ITEMS},
            fields={"items": [_("máximo %(limit)s") % {"limit": MAX_API_ITEMS}]},
        )
    pairs, errors, seen = [], {}, {}
    for index, item in enumerate(items):
        key = f"items[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("sku"), str) or not item["sku"].strip():
            errors[f"{key}.sku"] = [_("requerido")]
            continue
        sku = item["sku"].strip()
        if sku in seen:
            errors[f"{key}.sku"] = [_("repetido (ya está en items[%(index)s])") % {"index": seen[sku]}]
            continue
        seen[sku] = index
        try:
            pairs.append((sku, check_quantity(item.get("quantity"))))
        except ValidationFailed as invalid:
            errors[f"{key}.quantity"] = invalid.fields["quantity"]
    if errors:
        raise ValidationFailed(_("Revisa los items: ninguno se aplicó."), fields=errors)
    return pairs


def apply_items(*, seller: Seller, items, actor) -> StockUpload:
    """`PUT /api/v1/stock/`: absolute quantities for up to 1,000 of the seller's SKUs, all or nothing.

    A SKU the seller does not have (e.g. another seller's) is a 404 and nothing is applied.
    """
    pairs = check_items(items)
    skus = [sku for sku, _quantity in pairs]
    known = set(StockItem.objects.filter(seller=seller, sku__in=skus).values_list("sku", flat=True))
    unknown = [sku for sku in skus if sku not in known]
    if unknown:
        raise NotFound(
            _("SKU no encontrado: %(skus)s. Nada se aplicó.") % {"skus": ", ".join(unknown[:MAX_NAMED])},
            fields={"sku": unknown[:MAX_NAMED]},
        )
    user = getattr(actor, "user", actor)
    with transaction.atomic():
        upload = StockUpload.objects.create(seller=seller, created_by=user, filename="API", row_count=len(pairs))
        StockUploadRow.objects.bulk_create(
            StockUploadRow(upload=upload, line=line, sku=sku, quantity=quantity)
            for line, (sku, quantity) in enumerate(pairs, start=1)
        )
        upload, _applied = apply_upload(seller=seller, upload_id=upload.pk, actor=actor)
    return upload
