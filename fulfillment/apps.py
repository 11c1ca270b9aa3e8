from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfillmentConfig(AppConfig):
    name = "fulfillment"
    verbose_name = _("Despacho y penalidades")
    default_auto_field = "django.db.models.BigAutoField"
