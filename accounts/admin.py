"""Operators see failed sign-ins and lockouts, and lift a lockout before its cool-off ends.

django-axes' own admin is English-only and would need a migration to rename its models, so
AXES_ENABLE_ADMIN is off and these proxies show the same rows in Spanish (translated)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import LoginFailure, SuccessfulLogin
from core.admin import ReadOnlyAdminMixin, shown_as

DATE = "d/m/Y H:i"


class LockedOutFilter(admin.SimpleListFilter):
    title = _("bloqueado")
    parameter_name = "bloqueado"

    def lookups(self, request, model_admin):
        return (("si", _("Sí")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "si":
            return queryset.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=settings.AXES_FAILURE_LIMIT)
        return queryset


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    user = shown_as("username", _("Usuario"))
    address = shown_as("ip_address", _("Dirección IP"))
    browser = shown_as("user_agent", _("Navegador o aplicación"))
    route = shown_as("path_info", _("Ruta"))
    failures = shown_as("failures_since_start", _("Fallos"))
    last_attempt = shown_as("attempt_time", _("Último intento"), date=DATE)
    list_display = ["user", "address", "route", "failures", "last_attempt", "state"]
    list_filter = [LockedOutFilter]
    search_fields = ["username", "ip_address"]
    fields = ["user", "address", "browser", "route", "failures", "last_attempt", "state"]
    readonly_fields = fields
    actions = ["unlock"]

    @admin.display(description=_("Estado"))
    def state(self, obj) -> str:
        if obj.failures_since_start >= settings.AXES_FAILURE_LIMIT:
            return _("Bloqueado")
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return ngettext("Queda %(count)d intento", "Quedan %(count)d intentos", left) % {"count": left}

    def has_delete_permission(self, request, obj=None) -> bool:
        # unlocking deletes the counter rows (nothing of the orders' history lives here): Django's own rule
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    @admin.action(description=_("Desbloquear (borrar los intentos fallidos)"), permissions=["delete"])
    def unlock(self, request, queryset):
        count, _details = queryset.delete()
        message = ngettext(
            "%(count)d registro borrado: puede volver a intentarlo.",
            "%(count)d registros borrados: pueden volver a intentarlo.",
            count,
        )
        self.message_user(request, message % {"count": count})


@admin.register(SuccessfulLogin)
class SuccessfulLoginAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    user = shown_as("username", _("Usuario"))
    address = shown_as("ip_address", _("Dirección IP"))
    browser = shown_as("user_agent", _("Navegador o aplicación"))
    route = shown_as("path_info", _("Ruta"))
    signed_in = shown_as("attempt_time", _("Inicio"), date=DATE)
    signed_out = shown_as("logout_time", _("Salida"), date=DATE)
    list_display = ["user", "address", "route", "signed_in", "signed_out"]
    search_fields = ["username", "ip_address"]
    fields = ["user", "address", "browser", "route", "signed_in", "signed_out"]
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
