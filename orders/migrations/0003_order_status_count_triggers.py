"""Triggers that keep orders_orderstatuscount equal to COUNT(*) GROUP BY seller, status (orders/counters.py)."""

from django.db import migrations


def create_triggers(apps, schema_editor):
    from orders.counters import ensure_status_count_triggers

    ensure_status_count_triggers(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from orders.counters import remove_status_count_triggers

    remove_status_count_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_order_status_count")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
