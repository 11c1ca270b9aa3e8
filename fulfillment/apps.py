from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfillmentConfig(AppConfig):
    name = "fulfillment"
    verbose_name = _("Despacho y penalidades")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # catalog sits below fulfillment: it asks through this hook which orders hold a SKU's units
        from catalog.services import register_holders_lookup
        from fulfillment.services import holding_orders

        register_holders_lookup(holding_orders)
