"""Database triggers that keep orders_orderstatuscount equal to COUNT(*) GROUP BY seller, status.

SQLite rebuilds a table (dropping its triggers) whenever a migration alters it, so the triggers
are (re)installed after every `migrate` (post_migrate), not only by the migration that added them.
"""

from __future__ import annotations

POSTGRESQL_TRIGGERS = ["orders_order_count_insert_delete", "orders_order_count_update"]
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
    "DROP TRIGGER IF EXISTS orders_order_count_insert_delete ON orders_order",
    """
    CREATE TRIGGER orders_order_count_insert_delete AFTER INSERT OR DELETE ON orders_order
    FOR EACH ROW EXECUTE FUNCTION orders_count_by_status()
    """,
    "DROP TRIGGER IF EXISTS orders_order_count_update ON orders_order",
    """
    CREATE TRIGGER orders_order_count_update AFTER UPDATE OF status, seller_id ON orders_order
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.seller_id IS DISTINCT FROM NEW.seller_id)
    EXECUTE FUNCTION orders_count_by_status()
    """,
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS orders_order_count_update ON orders_order",
    "DROP TRIGGER IF EXISTS orders_order_count_insert_delete ON orders_order",
    "DROP FUNCTION IF EXISTS orders_count_by_status()",
]

_SQLITE_INCREMENT = """
    INSERT INTO orders_orderstatuscount (seller_id, status, count) VALUES (NEW.seller_id, NEW.status, 1)
    ON CONFLICT (seller_id, status) DO UPDATE SET count = count + 1;
"""
_SQLITE_DECREMENT = """
    UPDATE orders_orderstatuscount SET count = count - 1 WHERE seller_id = OLD.seller_id AND status = OLD.status;
"""
SQLITE_TRIGGERS = ["orders_order_count_insert", "orders_order_count_delete", "orders_order_count_update"]
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS orders_order_count_insert AFTER INSERT ON orders_order "
    f"BEGIN {_SQLITE_INCREMENT} END",
    f"CREATE TRIGGER IF NOT EXISTS orders_order_count_delete AFTER DELETE ON orders_order "
    f"BEGIN {_SQLITE_DECREMENT} END",
    "CREATE TRIGGER IF NOT EXISTS orders_order_count_update AFTER UPDATE OF status, seller_id ON orders_order "
    "WHEN OLD.status IS NOT NEW.status OR OLD.seller_id IS NOT NEW.seller_id "
    f"BEGIN {_SQLITE_DECREMENT} {_SQLITE_INCREMENT} END",
]
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

RECOUNT = [
    "DELETE FROM orders_orderstatuscount",
    """
    INSERT INTO orders_orderstatuscount (seller_id, status, count)
    SELECT seller_id, status, COUNT(*) FROM orders_order GROUP BY seller_id, status
    """,
]


def _installed(cursor, vendor: str) -> set[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'orders_order'::regclass AND NOT tgisinternal")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders_order'")
    return {row[0] for row in cursor.fetchall()}


def ensure_status_count_triggers(connection) -> bool:
    """Installs the triggers if any is missing, recounting from scratch. Returns True if it did."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise RuntimeError(f"order status counters have no triggers for {vendor}")
    expected = POSTGRESQL_TRIGGERS if vendor == "postgresql" else SQLITE_TRIGGERS
    with connection.cursor() as cursor:
        if set(expected) <= _installed(cursor, vendor):
            return False
        # counts may have drifted while a trigger was missing: rebuild them with the triggers
        for statement in (*RECOUNT, *(POSTGRESQL if vendor == "postgresql" else SQLITE)):
            cursor.execute(statement)
    return True


def remove_status_count_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for statement in POSTGRESQL_REMOVE if connection.vendor == "postgresql" else SQLITE_REMOVE:
            cursor.execute(statement)
