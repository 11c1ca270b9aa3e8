from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, shown_as
from core.errors import DomainError
from fulfillment.deadlines import waive_penalty
from fulfillment.models import DeadlineWarning, Penalty, PenaltyStatus, Shipment, StockReservation
from orders.admin import register_order_inline


@register_order_inline
class ShipmentInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Shipment
    registered_by = shown_as("created_by", _("registrado por"))
    fields = (("carrier", "tracking_number"), ("tracking_url", "guide_number"), ("shipped_at", "registered_by"))
    readonly_fields = ("carrier", "tracking_number", "tracking_url", "guide_number", "shipped_at", "registered_by")


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("order", "seller", "carrier", "tracking_number", "shipped_at")
    list_filter = ("carrier", "seller")
    date_hierarchy = "shipped_at"
    search_fields = ("=tracking_number", "=guide_number", "=order__number")
    list_select_related = ("order", "seller")
    show_full_result_count = False
    # operators may correct tracking data; which order and when it shipped are the workflow's
    registered_by = shown_as("created_by", _("registrado por"))
    registered_at = shown_as("created_at", _("registrado el"))
    readonly_fields = ("order", "seller", "shipped_at", "registered_by", "registered_at")

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


class WaiveActionForm(ActionForm):
    # the reason travels with the bulk action, so one or many penalties are waived in one step
    reason = forms.CharField(label=_("Motivo"), required=False, max_length=500)


@register_order_inline
class PenaltyInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Penalty
    fields = ("rule", "amount", "currency", "clause", "raised_at", "status")
    readonly_fields = fields
    verbose_name_plural = _("penalidades")


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Penalties come from the sweep or a late action; operators only waive them (with a reason)."""

    list_display = ("order", "seller", "rule", "amount", "currency", "clause", "raised_at", "status")
    list_filter = ("status", "rule", "seller")
    date_hierarchy = "raised_at"
    search_fields = ("=order__number", "seller__name")
    list_select_related = ("order", "seller")
    show_full_result_count = False
    action_form = WaiveActionForm
    actions = ["waive"]

    @admin.action(description=_("Condonar las penalidades seleccionadas (indica el motivo)"))
    def waive(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(request, _("Indica el motivo de la condonación."), messages.ERROR)
            return
        waived, refused = 0, []
        for penalty_id in queryset.exclude(status=PenaltyStatus.WAIVED).values_list("pk", flat=True):
            try:
                waive_penalty(penalty_id=penalty_id, actor=request.user, reason=reason)
                waived += 1
            except DomainError as error:
                refused.append(error.message)
        self.message_user(request, _("Penalidades condonadas: %(count)d.") % {"count": waived}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)


@admin.register(DeadlineWarning)
class DeadlineWarningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("order", "seller", "rule", "deadline", "sent_at")
    list_filter = ("rule",)
    search_fields = ("=order__number",)
    list_select_related = ("order", "seller")
    show_full_result_count = False
