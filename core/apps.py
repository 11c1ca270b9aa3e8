from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Sistema")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.ids import IdConverter, SkuConverter

        # `<id:...>` in every URL: ids a BIGINT can hold, anything else a plain 404
        register_converter(IdConverter, "id")
        register_converter(SkuConverter, "sku")
