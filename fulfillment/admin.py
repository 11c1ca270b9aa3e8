from django.contrib import admin

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from fulfillment.models import Shipment, StockReservation
from orders.admin import register_order_inline


@register_order_inline
class ShipmentInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Shipment
    fields = (("carrier", "tracking_number"), ("tracking_url", "guide_number"), ("shipped_at", "created_by"))
    readonly_fields = ("carrier", "tracking_number", "tracking_url", "guide_number", "shipped_at", "created_by")


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("order", "seller", "carrier", "tracking_number", "shipped_at")
    list_filter = ("carrier", "seller")
    date_hierarchy = "shipped_at"
    search_fields = ("=tracking_number", "=guide_number", "=order__number")
    list_select_related = ("order", "seller")
    show_full_result_count = False
    # operators may correct tracking data; which order and when it shipped are the workflow's
    readonly_fields = ("order", "seller", "shipped_at", "created_by", "created_at")

    def has_add_permission(self, request):
        # a shipment exists only through "Realizar envío"
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockReservation)
class StockReservationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("order", "stock_item", "quantity", "created_at", "released_at")
    list_filter = ("released_at",)
    search_fields = ("=order__number", "=stock_item__sku")
    list_select_related = ("order", "stock_item")
    show_full_result_count = False
