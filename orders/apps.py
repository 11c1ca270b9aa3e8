from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


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
    verbose_name = _("Órdenes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # SQLite drops a table's triggers when a migration rebuilds it: put them back after migrate
        post_migrate.connect(reinstall_status_count_triggers, sender=self)
