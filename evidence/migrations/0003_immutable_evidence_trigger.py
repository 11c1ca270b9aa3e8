"""PostgreSQL refuses any UPDATE that changes what a submitted evidence is (its file, link, checksums,
receiver data, EXIF fields, order...). Only the review columns may change. SQLite (the demo) relies on
the model's save() guard and on the services never updating those columns."""

from django.db import migrations

IMMUTABLE_FIELDS = (
    "seller_id",
    "order_id",
    "kind",
    "file",
    "url",
    "content_type",
    "original_content_type",
    "size_bytes",
    "sha256",
    "stored_sha256",
    "original_filename",
    "receiver_full_name",
    "receiver_document_number",
    "received_at",
    "signature_present",
    "captured_at",
    "capture_latitude",
    "capture_longitude",
    "capture_device",
    "warnings",
    "supersedes_id",
    "created_at",
)  # as evidence.models.IMMUTABLE_FIELDS when written

COLUMNS = ", ".join(IMMUTABLE_FIELDS)
OLD = ", ".join(f"OLD.{name}" for name in IMMUTABLE_FIELDS)
NEW = ", ".join(f"NEW.{name}" for name in IMMUTABLE_FIELDS)

INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION evidence_refuse_edit() RETURNS trigger AS $$
    BEGIN
        IF ROW({OLD}) IS DISTINCT FROM ROW({NEW}) THEN
            RAISE EXCEPTION 'delivery evidence % is immutable once submitted', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS evidence_immutable ON evidence_deliveryevidence",
    f"""
    CREATE TRIGGER evidence_immutable BEFORE UPDATE OF {COLUMNS} ON evidence_deliveryevidence
    FOR EACH ROW EXECUTE FUNCTION evidence_refuse_edit()
    """,
]
REMOVE = [
    "DROP TRIGGER IF EXISTS evidence_immutable ON evidence_deliveryevidence",
    "DROP FUNCTION IF EXISTS evidence_refuse_edit()",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_review_supersede_exif_attempts")]

    operations = [migrations.RunPython(run(INSTALL), run(REMOVE))]
