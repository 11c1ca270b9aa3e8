from django.apps import AppConfig
from django.db.models.signals import post_migrate


def reinstall_status_count_triggers(sender, using, plan=None, **kwargs) -> None:
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from orders.counters import ensure_status_count_triggers

    connection = connections[using]
    applied = MigrationExecutor(connection).loader.applied_migrations
    if ("orders", "0003_order_status_count_triggers") in applied:
        ensure_status_count_triggers(connection)


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # SQLite drops a table's triggers when a migration rebuilds it: put them back after migrate
        post_migrate.connect(reinstall_status_count_triggers, sender=self)
