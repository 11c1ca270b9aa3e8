"""PostgreSQL refuses any UPDATE or DELETE of a ledger row: payments are append-only, a mistake is
undone by a reversal row. SQLite (the demo) relies on the services, which only ever INSERT."""

from django.db import migrations

INSTALL = [
    """
    CREATE OR REPLACE FUNCTION payments_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'payment % is append-only: register a reversal instead', OLD.id
            USING ERRCODE = 'check_violation';
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS payments_append_only ON payments_payment",
    """
    CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments_payment
    FOR EACH ROW EXECUTE FUNCTION payments_refuse_change()
    """,
]
REMOVE = [
    "DROP TRIGGER IF EXISTS payments_append_only ON payments_payment",
    "DROP FUNCTION IF EXISTS payments_refuse_change()",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(run(INSTALL), run(REMOVE))]
