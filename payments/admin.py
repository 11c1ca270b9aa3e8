"""Operators see the ledger, register a payment or reverse a row: always through payments.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, shown_as
from core.errors import DomainError
from orders.admin import register_order_inline
from orders.models import Order, PaymentMethod
from payments.files import payment_document_response
from payments.models import Payment, Source
from payments.services import register_payment, reverse_payment


class ReverseActionForm(ActionForm):
    # the reason travels with the bulk action
    reason = forms.CharField(label=_("Motivo"), required=False, max_length=500)


@register_order_inline
class PaymentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Payment
    fk_name = "order"
    fields = ("created_at", "kind", "status", "method", "amount", "currency", "reference", "source", "registered_by")
    readonly_fields = fields
    verbose_name_plural = _("pagos (libro; solo lectura: registra o revierte en «Pagos»)")
    registered_by = shown_as("created_by_label", _("usuario"))


class RegisterPaymentForm(forms.Form):
    order = forms.IntegerField(label=_("Id de la orden"), min_value=1)
    method = forms.ChoiceField(
        label=_("Forma de pago"),
        choices=[("", _("La de la orden")), *PaymentMethod.choices],
        required=False,
    )
    amount = forms.DecimalField(
        label=_("Monto"), required=False, min_value=0, max_digits=12, decimal_places=2,
        help_text=_("Vacío: el saldo por pagar."),
    )  # fmt: skip
    reference = forms.CharField(label=_("Código de referencia"), max_length=100, required=False)
    document = forms.FileField(label=_("Documento de soporte"), required=False)
    note = forms.CharField(label=_("Nota"), max_length=500, required=False)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The ledger is append-only: rows are added by the services (register, reverse), never edited."""

    list_display = ("created_at", "order", "seller", "kind", "status", "method", "amount", "currency", "reference",
                    "source", "registered_by")  # fmt: skip
    list_filter = ("kind", "status", "method", "source", "seller")
    date_hierarchy = "created_at"
    search_fields = ("=order__number", "=order__external_id", "=reference")
    list_select_related = ("order", "seller")
    show_full_result_count = False
    readonly_fields = ("document_link",)
    registered_by = shown_as("created_by_label", _("usuario"))
    action_form = ReverseActionForm
    actions = ["reverse"]
    change_list_template = "admin/payments/payment/change_list.html"

    def get_fields(self, request, obj=None):
        return [f.name for f in Payment._meta.fields if f.name != "document"] + ["document_link"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    @admin.display(description=_("documento de soporte"))
    def document_link(self, obj: Payment):
        if not obj.document:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:payments_payment_document", args=[obj.pk]), _("Ver"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Revertir los movimientos seleccionados (indica el motivo)"))
    def reverse(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(request, _("Indica el motivo de la reversión."), messages.ERROR)
            return
        done = 0
        for payment_id in queryset.values_list("pk", flat=True):
            try:
                reverse_payment(payment_id=payment_id, actor=request.user, reason=reason)
                done += 1
            except DomainError as error:
                self.message_user(request, f"#{payment_id}: {error.message}", messages.WARNING)
        self.message_user(request, _("Movimientos revertidos: %(count)d.") % {"count": done}, messages.SUCCESS)

    def get_urls(self):
        extra = [
            path("registrar/", self.admin_site.admin_view(self.register_view), name="payments_payment_register"),
            path(
                "<int:payment_id>/documento/",
                self.admin_site.admin_view(self.document_view),
                name="payments_payment_document",
            ),
        ]
        return extra + super().get_urls()

    def document_view(self, request, payment_id: int):
        payment = Payment.objects.filter(pk=payment_id).first()
        if payment is None or not payment.document:
            raise PermissionDenied
        return payment_document_response(payment)

    def register_view(self, request):
        """«Registrar pago» for operators: the same service as the sellers', recorded as the operator's."""
        if not request.user.is_staff:
            raise PermissionDenied
        form = RegisterPaymentForm(request.POST or None, request.FILES or None, initial=request.GET.dict())
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            order = Order.objects.filter(pk=data["order"]).select_related("seller").first()
            if order is None:
                form.add_error("order", _("Orden no encontrada."))
            else:
                try:
                    payment = register_payment(
                        order_id=order.pk,
                        seller=order.seller,
                        actor=request.user,
                        amount=data["amount"],
                        reference=data["reference"],
                        document=data["document"],
                        method=data["method"] or None,
                        note=data["note"],
                        source=Source.OPERATOR,
                    )
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    self.message_user(request, _("Pago registrado."), messages.SUCCESS)
                    return redirect(reverse("admin:orders_order_change", args=[payment.order_id]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Registrar pago"),
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/payments/register.html", context)
