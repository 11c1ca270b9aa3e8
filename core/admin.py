from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from core.models import IdempotencyRecord

admin.site.site_header = _("Seller Center — operación del marketplace")
admin.site.site_title = _("Seller Center")
admin.site.index_title = _("Operación")


def shown_as(name: str, label, *, date: str = ""):
    """Model field `name` as an admin column or read-only field under a Spanish heading (translated).

    The models keep their verbose names, which would need a migration to change. `date`: a compact
    format for a datetime ("d/m/Y H:i"), so a column does not take a whole line.
    """

    def show(model_admin, obj):
        value = getattr(obj, name)
        if date and value is not None:
            return date_format(timezone.localtime(value), date)
        return display_for_value(value, model_admin.get_empty_value_display())

    show.short_description = label
    show.admin_order_field = name
    return show


class ReadOnlyAdminMixin:
    """For rows only services write (history, proofs): operators look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key", "user", "response_status", "created_at", "completed_at")
    list_filter = ("response_status",)
    search_fields = ("=key", "user__username")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        # stale keys may be purged; a deleted key only means a retry runs again
        return request.user.is_superuser
