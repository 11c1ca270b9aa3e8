"""Stock movements are append-only: on PostgreSQL a trigger refuses any UPDATE or DELETE of one
(SQLite, the demo, relies on nothing in the code updating or deleting them).

Existing SKUs get an opening movement ("Alta de SKU", by the system) with their current quantities,
so a SKU's quantities are the sum of its movements from the start; and the SKUs that open orders
ask for but the seller never listed are created with 0 on hand, as intake does from now on."""

from django.db import migrations
from django.utils import timezone

INSTALL = [
    """
    CREATE OR REPLACE FUNCTION stockmovement_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'stock movement % is append-only', OLD.id USING ERRCODE = 'check_violation';
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS stockmovement_append_only ON catalog_stockmovement",
    """
    CREATE TRIGGER stockmovement_append_only BEFORE UPDATE OR DELETE ON catalog_stockmovement
    FOR EACH ROW EXECUTE FUNCTION stockmovement_refuse_change()
    """,
]
REMOVE = [
    "DROP TRIGGER IF EXISTS stockmovement_append_only ON catalog_stockmovement",
    "DROP FUNCTION IF EXISTS stockmovement_refuse_change()",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return apply


def opening_balances(apps, schema_editor):
    StockItem = apps.get_model("catalog", "StockItem")
    StockMovement = apps.get_model("catalog", "StockMovement")
    OrderLine = apps.get_model("orders", "OrderLine")
    now = timezone.now()
    missing = (
        OrderLine.objects.filter(order__status="pending_handling")
        .values_list("order__seller_id", "sku", "name")
        .order_by("order__seller_id", "sku")
    )
    known = set(StockItem.objects.values_list("seller_id", "sku"))
    for seller_id, sku, name in missing:
        if (seller_id, sku) not in known:
            StockItem.objects.create(seller_id=seller_id, sku=sku, name=name or sku, quantity_on_hand=0)
            known.add((seller_id, sku))
    batch = []
    for item in StockItem.objects.filter(movements__isnull=True).iterator(chunk_size=2000):
        batch.append(
            StockMovement(
                seller_id=item.seller_id,
                stock_item_id=item.pk,
                reason="opening",
                delta_on_hand=item.quantity_on_hand,
                delta_reserved=item.quantity_reserved,
                on_hand_after=item.quantity_on_hand,
                reserved_after=item.quantity_reserved,
                actor_kind="system",
                actor_label="Sistema",
                created_at=now,
            )
        )
        if len(batch) >= 2000:
            StockMovement.objects.bulk_create(batch)
            batch = []
    StockMovement.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_movements_uploads_threshold"),
        ("orders", "0005_alter_orderstatuscount_options"),
    ]

    operations = [
        migrations.RunPython(opening_balances, migrations.RunPython.noop),
        migrations.RunPython(run(INSTALL), run(REMOVE)),
    ]
