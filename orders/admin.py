from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, shown_as
from orders.models import (
    DirectOrderSequence,
    IntegrationCredential,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatusCount,
    Status,
)
from orders.workflow import action_label, allowed_actions, event_label

# Inlines from apps to the right of orders (shipment, evidence, cancellation): they register
# themselves here so orders never imports them.
_extra_order_inlines: list[type[InlineModelAdmin]] = []


def register_order_inline(inline: type[InlineModelAdmin]) -> type[InlineModelAdmin]:
    if inline not in _extra_order_inlines:
        _extra_order_inlines.append(inline)
    return inline


class OrderLineInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = OrderLine
    fields = ("sku", "name", "quantity", "unit_price", "line_total")
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("importe"))
    def line_total(self, obj: OrderLine):
        return obj.line_total


def status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else (code or "—")


def event_actor_label(label: str) -> str:
    return str(_("sistema")) if label == "system" else (label or "—")


class EventLabelsMixin:
    """An event's kind and actor as people read them, its payload as «clave: valor» lines."""

    @admin.display(description=_("evento"), ordering="kind")
    def kind_label(self, obj: OrderEvent) -> str:
        return event_label(obj.kind)

    @admin.display(description=_("actor"), ordering="actor_label")
    def actor_display(self, obj: OrderEvent) -> str:
        return event_actor_label(obj.actor_label)

    @admin.display(description=_("detalle"))
    def payload_display(self, obj: OrderEvent) -> str:
        payload = obj.payload if isinstance(obj.payload, dict) else {}
        shown = [(key, value) for key, value in payload.items() if value not in (None, "", [], {})]
        if not shown:
            return "—"
        return format_html_join(
            "",
            "<div>{}: {}</div>",
            ((key.replace("_", " "), ", ".join(map(str, v)) if isinstance(v, list) else v) for key, v in shown),
        )


class OrderEventInline(EventLabelsMixin, ReadOnlyInlineMixin, admin.TabularInline):
    model = OrderEvent
    fields = ("created_at", "kind_label", "from_label", "to_label", "actor_display", "payload_display")
    readonly_fields = fields
    show_change_link = False
    verbose_name_plural = _("historial (solo lectura)")

    @admin.display(description=_("desde"))
    def from_label(self, obj: OrderEvent) -> str:
        return status_label(obj.from_status)

    @admin.display(description=_("hacia"))
    def to_label(self, obj: OrderEvent) -> str:
        return status_label(obj.to_status)


# Only orders.workflow writes these; the admin shows them.
WORKFLOW_FIELDS = ("status", "handling_started_at", "shipped_at", "delivered_at", "canceled_at")
# The money comes from the feed and the payment status from the payments ledger (payments.services):
# operators register or reverse payments there ("Pagos"), never by editing these.
MONEY_FIELDS = ("subtotal", "shipping_total", "total", "currency", "payment_method", "payment_status")


class SiteFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("sitio")  # the field's verbose name is «site»


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    # what fits a 1366 px screen beside the admin's menu: short headings, dates as 21/11/26 15:31
    list_display = ("number", "site_label", "seller", "buyer", "status", "placed", "deadline", "total")
    list_filter = ("status", "seller", "channel", ("site", SiteFilter), "logistics_mode", "payment_status")
    date_hierarchy = "placed_at"
    search_fields = ("=number", "=external_id", "buyer_full_name", "=buyer_document_number")
    list_select_related = ("site", "seller")
    # a marketplace holds millions of orders: skip the extra unfiltered COUNT(*)
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description=_("sitio"), ordering="site")
    def site_label(self, obj):
        return obj.origin_label  # a direct sale has no site: «Venta directa»

    buyer = shown_as("buyer_full_name", _("comprador"))
    placed = shown_as("placed_at", _("compra"), date="d/m/y H:i")
    deadline = shown_as("handling_deadline", _("plazo"), date="d/m/y H:i")
    created = shown_as("created_at", _("creada el"))
    updated = shown_as("updated_at", _("actualizada el"))
    readonly_fields = (
        "seller",
        "site_label",
        "number",
        "external_id",
        "placed_at",
        *WORKFLOW_FIELDS,
        *MONEY_FIELDS,
        "handling_deadline",
        "allowed_actions_display",
        "created",
        "updated",
    )
    fieldsets = (
        (
            _("Orden"),
            {
                "fields": (
                    ("seller", "site_label"),
                    ("number", "external_id"),
                    ("status", "allowed_actions_display"),
                    ("placed_at", "handling_deadline"),
                    ("handling_started_at", "shipped_at", "delivered_at", "canceled_at"),
                )
            },
        ),
        (
            _("Comprador"),
            {
                "fields": (
                    "buyer_full_name",
                    ("buyer_document_type", "buyer_document_number"),
                    ("buyer_phone", "buyer_email"),
                )
            },
        ),
        (
            _("Entrega"),
            {
                "fields": (
                    "delivery_method",
                    "shipping_address",
                    ("shipping_district", "shipping_city", "shipping_region"),
                    "shipping_reference",
                    "pickup_point_name",
                    "logistics_mode",
                )
            },
        ),
        (
            _("Pago"),
            {
                "fields": (
                    ("subtotal", "shipping_total", "total", "currency"),
                    ("payment_method", "payment_status"),
                )
            },
        ),
        (_("Registro"), {"fields": (("created", "updated"),), "classes": ("collapse",)}),
    )

    def get_inlines(self, request, obj):
        return [OrderLineInline, *_extra_order_inlines, OrderEventInline]

    def has_add_permission(self, request):
        # orders arrive through the marketplace feed (intake API), which sets deadline and history
        return False

    def has_delete_permission(self, request, obj=None):
        # deleting an order would erase its append-only history
        return False

    def get_object(self, request, object_id, from_field=None):
        order = super().get_object(request, object_id, from_field)
        if order is not None:
            # read-only field callables get only the object; the actions depend on the viewer
            order._admin_viewer = request.user
        return order

    @admin.display(description=_("acciones permitidas"))
    def allowed_actions_display(self, obj: Order) -> str:
        viewer = getattr(obj, "_admin_viewer", None)
        actions = allowed_actions(obj, viewer) if viewer is not None else []
        return ", ".join(action_label(action) for action in actions) or "—"

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # write only what the operator changed, never a stale copy of workflow fields
        changed = [name for name in form.changed_data if name not in WORKFLOW_FIELDS + MONEY_FIELDS]
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("order", "sku", "name", "quantity", "unit_price")
    search_fields = ("=order__number", "=sku", "name")
    list_select_related = ("order",)
    show_full_result_count = False


@admin.register(OrderEvent)
class OrderEventAdmin(EventLabelsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history is append-only: no add, no change, no delete, for anyone."""

    list_display = ("created_at", "order", "seller", "kind_label", "from_status", "to_status", "actor_display")
    list_filter = ("kind", "to_status")
    date_hierarchy = "created_at"
    search_fields = ("=order__number", "=order__external_id", "actor_label")
    list_select_related = ("order", "seller")
    show_full_result_count = False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(DirectOrderSequence)
class DirectOrderSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The last «Venta directa» number each seller used; only orders.services.next_direct_number writes it."""

    list_display = ("seller", "last_number")
    search_fields = ("seller__name", "=seller__tax_id")
    list_select_related = ("seller",)


@admin.register(OrderStatusCount)
class OrderStatusCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Kept by database triggers on the orders table; shown so operators can compare it with the list."""

    list_display = ("seller", "status", "count")
    list_filter = ("status", "seller")
    search_fields = ("seller__name", "=seller__tax_id")
    list_select_related = ("seller",)


@admin.register(IntegrationCredential)
class IntegrationCredentialAdmin(admin.ModelAdmin):
    """Issues the marketplace feed's key; the raw key is shown once, then only its digest is kept."""

    list_display = ("name", "key_prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "=key_prefix")
    filter_horizontal = ("sites",)
    fields = ("name", "sites", "is_active", "key_prefix", "created_at", "last_used_at")
    readonly_fields = ("key_prefix", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        issued, raw_key = IntegrationCredential.issue(name=obj.name)
        # the add form's object becomes the issued row, so the sites (m2m) are saved onto it
        obj.pk = issued.pk
        obj.key_prefix = issued.key_prefix
        obj.key_digest = issued.key_digest
        obj.created_at = issued.created_at
        obj._state.adding = False
        obj.save(update_fields=["is_active"])
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code> — {}",
                _("Clave de integración:"),
                raw_key,
                _("cópiala ahora, no se volverá a mostrar."),
            ),
            messages.WARNING,
        )
