from django.contrib import admin

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from disputes.models import Cancellation
from orders.admin import register_order_inline


@register_order_inline
class CancellationInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Cancellation
    fields = ("cancellation_type", "text", "responsible", "created_by", "created_at")
    readonly_fields = fields


@admin.register(Cancellation)
class CancellationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by "Cancelar" together with the order's transition; shown, never edited."""

    list_display = ("order", "seller", "cancellation_type", "responsible", "created_at")
    list_filter = ("cancellation_type", "seller")
    date_hierarchy = "created_at"
    search_fields = ("=order__number", "responsible", "text")
    list_select_related = ("order", "seller")
    show_full_result_count = False
