from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, shown_as
from core.errors import DomainError
from disputes import services
from disputes.files import attachment_file_response
from disputes.models import (
    Cancellation,
    CancellationReason,
    CancellationRequest,
    Dispute,
    DisputeAttachment,
    DisputeMessage,
    Party,
    Resolution,
)
from orders.admin import register_order_inline
from orders.models import Order, Status


@register_order_inline
class CancellationInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Cancellation
    registered_by = shown_as("created_by", _("registrada por"))
    registered_at = shown_as("created_at", _("registrada el"))
    fields = ("reason", "text", "responsible", "registered_by", "registered_at")
    readonly_fields = fields


@register_order_inline
class CancellationRequestInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CancellationRequest
    fields = ("status", "reason", "text", "deadline", "answered_at", "rejection_reason", "rejection_tracking_number")
    readonly_fields = fields


@register_order_inline
class DisputeInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Dispute
    fields = ("status", "reason", "opened_by_party", "respond_by", "resolution", "created_at")
    readonly_fields = fields


@admin.register(CancellationReason)
class CancellationReasonAdmin(admin.ModelAdmin):
    """Reasons and dispute types are data: operators add, rename or retire them here (never delete a used one)."""

    list_display = (
        "code",
        "label_es",
        "label_en",
        "is_cancellation",
        "is_dispute_type",
        "usable_by_seller",
        "usable_by_buyer",
        "usable_by_operator",
        "active",
        "position",
    )
    list_editable = ("active", "position")
    list_filter = ("active", "is_cancellation", "is_dispute_type", "usable_by_seller", "usable_by_buyer")
    search_fields = ("code", "label_es", "label_en")

    def get_readonly_fields(self, request, obj=None):
        # the code is stored on cancellations and known to the marketplace: fixed once created
        return ("code",) if obj is not None else ()


@admin.register(Cancellation)
class CancellationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written together with the order's transition; shown, never edited."""

    registered_at = shown_as("created_at", _("registrada el"))
    list_display = ("order", "seller", "reason", "responsible", "registered_at")
    list_filter = ("reason", "seller")
    date_hierarchy = "created_at"
    search_fields = ("=order__number", "responsible", "text")
    list_select_related = ("order", "seller", "reason")
    show_full_result_count = False


@admin.register(CancellationRequest)
class CancellationRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The buyers' requests; the seller answers them (or the 72 h deadline does)."""

    list_display = ("order", "seller", "status", "reason", "deadline", "answered_at", "accepted_automatically")
    list_filter = ("status", "accepted_automatically", "reason")
    date_hierarchy = "created_at"
    search_fields = ("=order__number", "=order__external_id", "=reference", "text")
    list_select_related = ("order", "seller", "reason")
    show_full_result_count = False


def attachment_links(message: DisputeMessage) -> str:
    return (
        format_html_join(
            " · ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            (
                (reverse("admin:disputes_disputeattachment_file", args=[a.pk]), a.original_filename or a.pk)
                for a in message.attachments.all()
            ),
        )
        or "—"
    )


class DisputeMessageInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = DisputeMessage
    fields = ("party", "author_label", "text", "files", "created_at")
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("adjuntos"))
    def files(self, obj: DisputeMessage) -> str:
        return attachment_links(obj)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("Nota"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    refund_amount = forms.DecimalField(
        label=_("Reembolso (solo parcial)"), required=False, max_digits=12, decimal_places=2
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Texto"), widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(forms.Form):
    operator = forms.ModelChoiceField(
        label=_("Operador"), queryset=get_user_model().objects.filter(is_staff=True, is_active=True)
    )


class OperatorDisputeForm(forms.Form):
    """What an operator gives to open a dispute on any seller's order (after "Iniciar manejo")."""

    order = forms.ModelChoiceField(
        label=_("Orden"),
        queryset=Order.objects.exclude(status=Status.PENDING_HANDLING).select_related("seller"),
        widget=forms.NumberInput,
        help_text=_("Id de la orden (ver la lista de órdenes)."),
    )
    reason = forms.ModelChoiceField(
        label=_("Tipo de controversia"),
        queryset=CancellationReason.objects.filter(is_dispute_type=True, active=True, usable_by_operator=True),
        to_field_name="code",
    )
    text = forms.CharField(label=_("Texto de la controversia"), widget=forms.Textarea(attrs={"rows": 4}))
    responsible = forms.CharField(label=_("Responsable"), max_length=150)


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    """Operators follow the thread and settle disputes through the actions; the fields are not edited."""

    list_display = (
        "__str__",
        "seller",
        "reason",
        "opened_by_party",
        "status",
        "respond_by",
        "assigned_to",
        "resolution",
    )
    list_filter = ("status", "resolution", "opened_by_party", "reason")
    date_hierarchy = "created_at"
    search_fields = ("=order__number", "=order__external_id", "=reference", "text")
    list_select_related = ("order", "seller", "reason", "assigned_to")
    show_full_result_count = False
    inlines = [DisputeMessageInline]
    actions = ["resolve_for_seller", "resolve_for_buyer", "resolve_partial", "ask_seller", "reassign", "close"]
    readonly_fields = [f.name for f in Dispute._meta.fields]

    def has_add_permission(self, request):
        # "add" opens a dispute through the service (as operator), never a bare row
        return request.user.is_staff and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OperatorDisputeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            order = data["order"]
            try:
                dispute, _created = services.open_dispute(
                    order_id=order.pk,
                    seller=order.seller,
                    actor=request.user,
                    party=Party.OPERATOR,
                    reason_code=data["reason"].code,
                    text=data["text"],
                    responsible=data["responsible"],
                )
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(request, _("Controversia abierta: %(dispute)s") % {"dispute": dispute})
                return redirect(reverse("admin:disputes_dispute_change", args=[dispute.pk]))
        return render(
            request,
            "admin/disputes/dispute_open.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Abrir controversia como operador"),
                "form": form,
                "opts": self.model._meta,
            },
        )

    def _with_form(self, request, queryset, *, form_class, title: str, apply):
        """An action that first asks for its input on an intermediate page."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                done = 0
                for dispute in queryset:
                    try:
                        apply(dispute, form.cleaned_data)
                        done += 1
                    except DomainError as refused:
                        self.message_user(request, f"{dispute}: {refused.message}", messages.ERROR)
                if done:
                    self.message_user(
                        request,
                        ngettext("%(count)d controversia actualizada.", "%(count)d controversias actualizadas.", done)
                        % {"count": done},
                    )
                return None
        else:
            form = form_class()
        return render(
            request,
            "admin/disputes/dispute_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "disputes": queryset,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
            },
        )

    def _resolve(self, request, queryset, outcome: str, title: str):
        return self._with_form(
            request,
            queryset,
            form_class=ResolveForm,
            title=title,
            apply=lambda d, data: services.resolve_dispute(
                dispute_id=d.pk,
                actor=request.user,
                outcome=outcome,
                note=data["note"],
                refund_amount=data["refund_amount"],
            ),
        )

    @admin.action(description=_("Resolver a favor del seller"))
    def resolve_for_seller(self, request, queryset):
        return self._resolve(request, queryset, Resolution.FOR_SELLER, _("Resolver a favor del seller"))

    @admin.action(description=_("Resolver a favor del comprador (reembolso)"))
    def resolve_for_buyer(self, request, queryset):
        return self._resolve(request, queryset, Resolution.FOR_BUYER, _("Resolver a favor del comprador"))

    @admin.action(description=_("Resolver parcialmente"))
    def resolve_partial(self, request, queryset):
        return self._resolve(request, queryset, Resolution.PARTIAL, _("Resolver parcialmente"))

    @admin.action(description=_("Pedir respuesta al seller (5 días)"))
    def ask_seller(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            form_class=NoteForm,
            title=_("Pedir respuesta al seller"),
            apply=lambda d, data: services.post_message(
                dispute_id=d.pk,
                seller=d.seller,
                actor=request.user,
                party=Party.OPERATOR,
                text=data["note"],
                ask_seller=True,
            ),
        )

    @admin.action(description=_("Reasignar a otro operador"))
    def reassign(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            form_class=ReassignForm,
            title=_("Reasignar controversias"),
            apply=lambda d, data: services.reassign_dispute(
                dispute_id=d.pk, actor=request.user, operator=data["operator"]
            ),
        )

    @admin.action(description=_("Cerrar sin resolución"))
    def close(self, request, queryset):
        return self._with_form(
            request,
            queryset,
            form_class=NoteForm,
            title=_("Cerrar controversias"),
            apply=lambda d, data: services.close_dispute(dispute_id=d.pk, actor=request.user, note=data["note"]),
        )


@admin.register(DisputeMessage)
class DisputeMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The threads, searchable across disputes; written by the services only."""

    list_display = ("dispute", "seller", "party", "author_label", "created_at")
    list_filter = ("party",)
    search_fields = ("=dispute__order__number", "text")
    list_select_related = ("dispute", "dispute__order", "seller")
    readonly_fields = ("files",)
    show_full_result_count = False

    @admin.display(description=_("adjuntos"))
    def files(self, obj: DisputeMessage) -> str:
        return attachment_links(obj)


@admin.register(DisputeAttachment)
class DisputeAttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "seller", "link", "content_type", "size_bytes", "created_at")
    list_select_related = ("seller",)
    search_fields = ("=sha256",)
    readonly_fields = ("link",)
    show_full_result_count = False

    @admin.display(description=_("archivo"))
    def link(self, obj: DisputeAttachment) -> str:
        url = reverse("admin:disputes_disputeattachment_file", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, obj.original_filename or obj.pk)

    def get_urls(self):
        file_view = self.admin_site.admin_view(self.file_view)
        return [
            path("<id:attachment_id>/file/", file_view, name="disputes_disputeattachment_file"),
            *super().get_urls(),
        ]

    def file_view(self, request, attachment_id: int):
        # files are private: operators read them through this staff-only view
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = DisputeAttachment.objects.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return attachment_file_response(attachment)
