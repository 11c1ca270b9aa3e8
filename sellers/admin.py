from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from sellers.models import Contract, DeviceToken, MarketplaceSite, Membership, MembershipEvent, Seller


@admin.register(MarketplaceSite)
class MarketplaceSiteAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "domain")
    search_fields = ("name", "code", "domain")
    prepopulated_fields = {"code": ("name",)}


class ContractInline(admin.StackedInline):
    model = Contract
    can_delete = False
    extra = 0
    min_num = 1
    max_num = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_id", "logistics_mode", "is_active", "created_at")
    list_filter = ("logistics_mode", "is_active")
    search_fields = ("name", "=tax_id")
    readonly_fields = ("created_at",)
    inlines = [ContractInline, MembershipInline]


class MembershipEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = MembershipEvent
    fields = ("created_at", "kind", "actor", "before", "after")
    readonly_fields = fields
    ordering = ("created_at", "id")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Operators see removed memberships too (history); the seller's owners manage the team on «Equipo»."""

    list_display = ("user", "seller", "role", "created_at", "invitation_expires_at", "removed_at", "removed_by")
    list_filter = ("role", ("removed_at", admin.EmptyFieldListFilter), "seller")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name", "seller__name")
    list_select_related = ("user", "seller", "removed_by")
    autocomplete_fields = ("user", "seller")
    readonly_fields = ("invited_by", "invitation_expires_at", "removed_at", "removed_by")
    inlines = [MembershipEventInline]

    def get_queryset(self, request):
        return Membership.all_objects.select_related("user", "seller", "removed_by")


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "seller", "membership", "kind", "actor")
    list_filter = ("kind",)
    search_fields = ("seller__name", "membership__user__username", "actor__username")
    list_select_related = ("seller", "membership__user", "membership__seller", "actor")
    date_hierarchy = "created_at"


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("seller", "handling_window", "late_handling_penalty_value", "penalty_currency", "signed_at")
    search_fields = ("seller__name", "=seller__tax_id")
    list_select_related = ("seller",)
    autocomplete_fields = ("seller",)


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by the API login only; operators list and revoke them."""

    list_display = ("device_name", "user", "token_key", "created", "expiry", "last_used_at")
    list_filter = ("created", "expiry")
    search_fields = ("device_name", "user__username", "=token_key")
    list_select_related = ("user",)
    fields = ("device_name", "user", "token_key", "created", "expiry", "last_used_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revocar los tokens seleccionados"), permissions=["delete"])
    def revoke(self, request, queryset):
        revoked, _per_model = queryset.delete()
        self.message_user(
            request,
            ngettext("%(count)d token revocado.", "%(count)d tokens revocados.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )
