from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.models import StockItem, StockMovement, StockUpload, StockUploadRow
from catalog.services import create_sku, set_stock
from core.admin import ReadOnlyAdminMixin


class MovementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StockMovement
    fields = ("created_at", "reason", "delta_on_hand", "delta_reserved", "on_hand_after", "reserved_after")
    fields += ("actor_kind", "actor_label", "order")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(StockItem)
class StockItemAdmin(admin.ModelAdmin):
    list_display = ("sku", "name", "seller", "quantity_on_hand", "quantity_reserved", "available_display", "updated_at")
    list_filter = ("seller",)
    search_fields = ("=sku", "name", "seller__name")
    list_select_related = ("seller",)
    autocomplete_fields = ("seller",)
    # reservations are held and released by "Iniciar manejo" and cancellations only
    readonly_fields = ("quantity_reserved", "updated_at")
    inlines = [MovementInline]

    def get_readonly_fields(self, request, obj=None):
        # a SKU stays with its seller and code: movements and reservations point at it
        return self.readonly_fields + (("seller", "sku") if obj else ())

    @admin.display(description=_("disponible"))
    def available_display(self, obj: StockItem) -> int:
        return obj.available

    def save_model(self, request, obj, form, change):
        # through the services, so the operator's change is a movement like any other
        if not change:
            created = create_sku(
                seller=obj.seller, sku=obj.sku, name=obj.name, actor=request.user, quantity=obj.quantity_on_hand
            )
            if obj.low_stock_threshold is not None:
                StockItem.objects.filter(pk=created.pk).update(low_stock_threshold=obj.low_stock_threshold)
            obj.pk = created.pk
            return
        set_stock(
            seller=obj.seller,
            sku=obj.sku,
            quantity=obj.quantity_on_hand,
            actor=request.user,
            name=obj.name,
            low_stock_threshold=obj.low_stock_threshold,
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "stock_item", "seller", "reason", "delta_on_hand", "delta_reserved")
    list_display += ("on_hand_after", "reserved_after", "actor_kind", "actor_label", "order")
    list_filter = ("reason", "actor_kind", "seller")
    search_fields = ("=stock_item__sku", "=order__number")
    list_select_related = ("stock_item", "seller", "order")
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockUpload)
class StockUploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "seller", "filename", "row_count", "error_count", "status", "applied_at")
    list_filter = ("status", "seller")
    search_fields = ("filename", "seller__name")
    list_select_related = ("seller",)


@admin.register(StockUploadRow)
class StockUploadRowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("upload", "line", "sku", "quantity", "name", "error")
    search_fields = ("=sku",)
    list_select_related = ("upload",)
