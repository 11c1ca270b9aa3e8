"""One mapping from every error to `{"error": {"code", "message", "fields"}}`, and its schema."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def error_response(*, status_code: int, code: str, message: str, fields: dict | None = None) -> Response:
    return Response({"error": {"code": code, "message": message, "fields": fields or {}}}, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return error_response(status_code=exc.status_code, code=exc.code, message=exc.message, fields=exc.fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("No encontrado."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let it be a 500 and reach the logs
    code, message, fields = "error", "", {}
    if isinstance(exc, exceptions.ValidationError):
        code, message = "invalid", _("Revisa los datos enviados.")
        detail = exc.detail
        if isinstance(detail, dict) and exc.get_codes().get("non_field_errors") == ["null"]:
            # DRF's "No data provided" (a `null` body) is English-only, untranslatable: say it ourselves
            detail = {"non_field_errors": [_("Falta el cuerpo de la solicitud: envía un objeto JSON.")]}
        if isinstance(detail, dict):
            fields = {name: _flatten(value) for name, value in detail.items()}
            non_field = fields.pop("non_field_errors", None)
            if non_field:
                message = " ".join(non_field)
        else:
            message = " ".join(_flatten(detail)) or message
    elif isinstance(exc, exceptions.Throttled):
        # DRF has already set Retry-After from exc.wait (whole seconds: api.throttling rounds it up)
        code = "throttled"
        message = _("Demasiadas solicitudes. Vuelve a intentarlo en %(seconds)s segundos.") % {
            "seconds": int(exc.wait or 1)
        }
    elif isinstance(exc, exceptions.ParseError):
        code, message = "malformed", _("El cuerpo de la solicitud no es válido: %(detail)s") % {"detail": exc.detail}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else _("Solicitud no válida.")
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, inner in value.items() for item in _flatten(inner)]
    if isinstance(value, list):
        return [item for inner in value for item in _flatten(inner)]
    return [str(value)]


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `fields` says which and why.",
    "401": "Missing, invalid or expired token.",
    "403": "Authenticated but not allowed.",
    "404": "Not found, or not this seller's.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Not allowed in the order's current state, or Idempotency-Key reused with another body.",
    "413": "File too large.",
    "415": "Unsupported file or body type.",
    "429": "Too many requests: a sign-in lockout or this credential's rate; see Retry-After (seconds)"
    " and RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset.",
}


def add_error_responses(result, generator, request, public):
    """Documents every 4xx answer on every operation, all with the shared Error schema."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "required": ["code", "message", "fields"],
            }
        },
        "required": ["error"],
    }
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["400", "401", "403", "404", "405", "406", "429"]
            if method in {"post", "put", "patch"}:
                codes += ["409", "413", "415"]
            for code in codes:
                operation["responses"].setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result


__all__ = ["exception_handler", "add_error_responses", "error_response", "ErrorSerializer", "status"]
