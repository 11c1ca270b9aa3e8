from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.models import StockItem


@admin.register(StockItem)
class StockItemAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "seller", "quantity_on_hand", "quantity_reserved", "available_display", "updated_at")
    list_filter = ("seller",)
    search_fields = ("=sku", "name", "seller__name")
    list_select_related = ("seller",)
    autocomplete_fields = ("seller",)
    # reservations are held and released by "Iniciar manejo" and cancellations only
    readonly_fields = ("quantity_reserved", "updated_at")

    @admin.display(description=_("disponible"))
    def available_display(self, obj: StockItem) -> int:
        return obj.available
