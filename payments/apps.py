from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Pagos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from payments import receivers  # noqa: F401  (connects to orders' and disputes' signals)
