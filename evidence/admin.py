from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from evidence.files import evidence_file_response
from evidence.models import DeliveryEvidence
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


@register_order_inline
class DeliveryEvidenceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = DeliveryEvidence
    fields = ("kind", "link", "receiver_full_name", "receiver_document_number", "received_at", "sha256", "created_at")
    readonly_fields = fields
    verbose_name_plural = _("evidencias de entrega")

    @admin.display(description=_("evidencia"))
    def link(self, obj: DeliveryEvidence) -> str:
        return evidence_link(obj)


@admin.register(DeliveryEvidence)
class DeliveryEvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Proofs of delivery are reviewed here, never edited: a delivered order must keep its proof."""

    list_display = ("order", "seller", "kind", "link", "content_type", "size_bytes", "created_at")
    list_filter = ("kind", "content_type")
    date_hierarchy = "created_at"
    search_fields = ("=order__number", "=sha256", "receiver_full_name", "=receiver_document_number")
    list_select_related = ("order", "seller")
    show_full_result_count = False
    readonly_fields = ("link",)

    @admin.display(description=_("evidencia"))
    def link(self, obj: DeliveryEvidence) -> str:
        return evidence_link(obj)

    def get_urls(self):
        file_view = self.admin_site.admin_view(self.file_view)
        return [
            path("<int:evidence_id>/file/", file_view, name="evidence_deliveryevidence_file"),
            *super().get_urls(),
        ]

    def file_view(self, request, evidence_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        evidence = DeliveryEvidence.objects.filter(pk=evidence_id).exclude(file="").first()
        if evidence is None:
            raise Http404
        return evidence_file_response(evidence)
