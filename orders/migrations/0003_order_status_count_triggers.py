"""Triggers that keep orders_orderstatuscount equal to COUNT(*) GROUP BY seller, status."""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION orders_count_by_status() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE orders_orderstatuscount SET count = count - 1
            WHERE seller_id = OLD.seller_id AND status = OLD.status;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO orders_orderstatuscount (seller_id, status, count) VALUES (NEW.seller_id, NEW.status, 1)
            ON CONFLICT (seller_id, status) DO UPDATE SET count = orders_orderstatuscount.count + 1;
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER orders_order_count_insert_delete AFTER INSERT OR DELETE ON orders_order
    FOR EACH ROW EXECUTE FUNCTION orders_count_by_status()
    """,
    """
    CREATE TRIGGER orders_order_count_update AFTER UPDATE OF status, seller_id ON orders_order
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.seller_id IS DISTINCT FROM NEW.seller_id)
    EXECUTE FUNCTION orders_count_by_status()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS orders_order_count_update ON orders_order",
    "DROP TRIGGER IF EXISTS orders_order_count_insert_delete ON orders_order",
    "DROP FUNCTION IF EXISTS orders_count_by_status()",
]

SQLITE_INCREMENT = """
    INSERT INTO orders_orderstatuscount (seller_id, status, count) VALUES (NEW.seller_id, NEW.status, 1)
    ON CONFLICT (seller_id, status) DO UPDATE SET count = count + 1;
"""
SQLITE_DECREMENT = """
    UPDATE orders_orderstatuscount SET count = count - 1 WHERE seller_id = OLD.seller_id AND status = OLD.status;
"""
SQLITE = [
    f"CREATE TRIGGER orders_order_count_insert AFTER INSERT ON orders_order BEGIN {SQLITE_INCREMENT} END",
    f"CREATE TRIGGER orders_order_count_delete AFTER DELETE ON orders_order BEGIN {SQLITE_DECREMENT} END",
    "CREATE TRIGGER orders_order_count_update AFTER UPDATE OF status, seller_id ON orders_order "
    "WHEN OLD.status IS NOT NEW.status OR OLD.seller_id IS NOT NEW.seller_id "
    f"BEGIN {SQLITE_DECREMENT} {SQLITE_INCREMENT} END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS orders_order_count_insert",
    "DROP TRIGGER IF EXISTS orders_order_count_delete",
    "DROP TRIGGER IF EXISTS orders_order_count_update",
]

BACKFILL = """
    INSERT INTO orders_orderstatuscount (seller_id, status, count)
    SELECT seller_id, status, COUNT(*) FROM orders_order GROUP BY seller_id, status
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise RuntimeError(f"order status counters have no triggers for {vendor}")
    schema_editor.execute("DELETE FROM orders_orderstatuscount")
    schema_editor.execute(BACKFILL)
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_order_status_count")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
