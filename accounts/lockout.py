"""What a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE): 429 with Retry-After, as the
API's error envelope under /api/ and as a page elsewhere (dashboard and admin logins)."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


def retry_after_seconds(request: HttpRequest) -> int:
    # every attempt while locked (even with the right password) restarts the cool-off
    # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the whole cool-off is what is left
    return int(get_cool_off(request).total_seconds())


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    seconds = retry_after_seconds(request)
    minutes = max(1, math.ceil(seconds / 60))
    message = _("Demasiados intentos fallidos de inicio de sesión. Vuelve a intentarlo en %(minutes)s minutos.") % {
        "minutes": minutes
    }
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "too_many_attempts", "message": message, "fields": {}}},
            status=LOCKOUT_STATUS,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        login_url = reverse("admin:login") if request.path.startswith(reverse("admin:index")) else reverse("login")
        context = {"message": message, "minutes": minutes, "login_url": login_url}
        response = render(request, "accounts/lockout.html", context, status=LOCKOUT_STATUS)
    response["Retry-After"] = str(seconds)
    return response
