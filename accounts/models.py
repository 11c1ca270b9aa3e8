from __future__ import annotations

from axes.models import AccessAttempt, AccessLog
from django.utils.translation import gettext_lazy as _


class LoginFailure(AccessAttempt):
    """django-axes' counter of failed sign-ins (one row per username and address), under a Spanish name."""

    class Meta:
        proxy = True
        verbose_name = _("intento fallido de inicio de sesión")
        verbose_name_plural = _("intentos fallidos y bloqueos")


class SuccessfulLogin(AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("inicio de sesión")
        verbose_name_plural = _("inicios de sesión")
