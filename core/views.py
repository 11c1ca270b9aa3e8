"""Answers for what no API view handled: an unknown API path, and a crash, in the API's error shape."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

API_PREFIX = "/api/"
NOT_FOUND_ROUTE = "api-not-found"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": {}}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt  # an answer for any method; nothing is changed
def api_not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Last route under /api/: an unknown path, or an id out of range, is a JSON 404 rather than a page."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != NOT_FOUND_ROUTE:
            # an API client must not be redirected (a POST would lose its body): say what is wrong
            return _error(404, "not_found", _("Ruta no encontrada: las rutas de la API terminan en «/»."))
    return _error(404, "not_found", _("No encontrado."))


def server_error(request: HttpRequest):
    if request.path.startswith(API_PREFIX):
        return _error(500, "server_error", _("Error interno del servidor. Vuelve a intentarlo más tarde."))
    return defaults.server_error(request)
