from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, shown_as
from core.errors import DomainError
from evidence.files import attempt_photo_response, evidence_file_response
from evidence.models import DeliveryAttempt, DeliveryEvidence, ReviewState
from evidence.services import review_evidence
from orders.admin import register_order_inline


def evidence_link(obj: DeliveryEvidence) -> str:
    if obj.file:
        # files are private: operators read them through the admin's own (staff-only) view
        url = reverse("admin:evidence_deliveryevidence_file", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, obj.original_filename or obj.file.name
        )
    if obj.url:
        # rel=noreferrer: the seller's link must not learn the admin's URL
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', obj.url, obj.url)
    return "—"


def review_link(obj: DeliveryEvidence) -> str:
    if obj.review_state != ReviewState.PENDING:
        return obj.get_review_state_display()
    url = reverse("admin:evidence_deliveryevidence_review", args=[obj.pk])
    return format_html('<a class="button" href="{}">{}</a>', url, _gettext("Revisar"))


@register_order_inline
class DeliveryEvidenceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = DeliveryEvidence
    added_at = shown_as("created_at", _("agregada el"))
    fields = ("kind", "link", "review", "receiver_full_name", "receiver_document_number", "warnings", "added_at")
    readonly_fields = fields
    verbose_name_plural = _("evidencias de entrega")

    @admin.display(description=_("evidencia"))
    def link(self, obj: DeliveryEvidence) -> str:
        return evidence_link(obj)

    @admin.display(description=_("revisión"))
    def review(self, obj: DeliveryEvidence) -> str:
        return review_link(obj)


@register_order_inline
class DeliveryAttemptInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "reason", "note", "attempted_at", "recorded_by")
    readonly_fields = fields
    verbose_name_plural = _("intentos de entrega fallidos")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[(ReviewState.ACCEPTED, _("Aceptar")), (ReviewState.REJECTED, _("Rechazar"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motivo del rechazo"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("El seller lo verá y podrá agregar otra evidencia."),
    )


@admin.register(DeliveryEvidence)
class DeliveryEvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Proofs of delivery are reviewed here, never edited nor deleted: a delivered order keeps its proof."""

    list_display = ("order", "seller", "kind", "link", "review", "warning_count", "created_at")
    list_filter = ("review_state", "kind", "content_type")
    date_hierarchy = "created_at"
    search_fields = ("=order__number", "=sha256", "receiver_full_name", "=receiver_document_number")
    list_select_related = ("order", "seller")
    show_full_result_count = False
    readonly_fields = ("link", "review", "preview")
    actions = ["accept_selected"]

    @admin.display(description=_("evidencia"))
    def link(self, obj: DeliveryEvidence) -> str:
        return evidence_link(obj)

    @admin.display(description=_("revisión"))
    def review(self, obj: DeliveryEvidence) -> str:
        return review_link(obj)

    @admin.display(description=_("advertencias"))
    def warning_count(self, obj: DeliveryEvidence) -> int:
        return len(obj.warnings or [])

    @admin.display(description=_("vista previa"))
    def preview(self, obj: DeliveryEvidence) -> str:
        if obj.file and obj.is_image:
            url = reverse("admin:evidence_deliveryevidence_file", args=[obj.pk])
            return format_html('<img src="{}" alt="" style="max-width:480px;max-height:480px">', url)
        return "—"

    @admin.action(description=_("Aceptar las evidencias seleccionadas (por revisar)"))
    def accept_selected(self, request, queryset):
        accepted = 0
        for evidence_id in queryset.filter(review_state=ReviewState.PENDING).values_list("pk", flat=True):
            try:
                review_evidence(evidence_id=evidence_id, reviewer=request.user, decision=ReviewState.ACCEPTED)
                accepted += 1
            except DomainError as refused:
                self.message_user(request, refused.message, messages.WARNING)
        self.message_user(request, _gettext("%(count)d evidencias aceptadas.") % {"count": accepted})

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # never offered: evidence is not deleted
        return actions

    def get_urls(self):
        return [
            path(
                "<id:evidence_id>/file/",
                self.admin_site.admin_view(self.file_view),
                name="evidence_deliveryevidence_file",
            ),
            path(
                "<id:evidence_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="evidence_deliveryevidence_review",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, evidence_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        evidence = DeliveryEvidence.objects.filter(pk=evidence_id).exclude(file="").first()
        if evidence is None:
            raise Http404
        return evidence_file_response(evidence)

    def review_view(self, request, evidence_id: int):
        if not self.has_view_permission(request) or not request.user.is_staff:
            raise PermissionDenied
        evidence = DeliveryEvidence.objects.select_related("order", "seller").filter(pk=evidence_id).first()
        if evidence is None:
            raise Http404
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                review_evidence(
                    evidence_id=evidence.pk,
                    reviewer=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(request, _gettext("Evidencia revisada; se avisó al seller."))
                return redirect("admin:evidence_deliveryevidence_change", evidence.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _gettext("Revisar evidencia"),
            "evidence": evidence,
            "link": evidence_link(evidence),
            "preview": self.preview(evidence),
            "form": form,
        }
        return TemplateResponse(request, "admin/evidence/review.html", context)


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("order", "seller", "number", "reason", "attempted_at", "photo_link")
    list_filter = ("reason",)
    search_fields = ("=order__number",)
    list_select_related = ("order", "seller")
    date_hierarchy = "attempted_at"
    show_full_result_count = False
    readonly_fields = ("photo_link",)

    @admin.display(description=_("foto"))
    def photo_link(self, obj: DeliveryAttempt) -> str:
        if not obj.photo:
            return "—"
        url = reverse("admin:evidence_deliveryattempt_photo", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _gettext("Ver foto"))

    def get_urls(self):
        return [
            path(
                "<id:attempt_id>/photo/",
                self.admin_site.admin_view(self.photo_view),
                name="evidence_deliveryattempt_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request, attempt_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        attempt = DeliveryAttempt.objects.filter(pk=attempt_id).exclude(photo="").first()
        if attempt is None:
            raise Http404
        return attempt_photo_response(attempt)
