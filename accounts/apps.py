from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Who may sign in, and how hard it is to guess: lockouts (django-axes), the operators' second
    factor (django-otp), the client's address. Below every domain app: it imports none of them."""

    name = "accounts"
    verbose_name = _("Acceso y seguridad")
    default_auto_field = "django.db.models.BigAutoField"
