"""`Idempotency-Key` for unsafe API calls: a retry gets the first answer, never a second effect."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from core.errors import Conflict, ValidationFailed
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
WAIT_FOR_FIRST_SECONDS = 15.0
# An attempt unfinished after this long died with its process: a retry may take the key over.
ABANDONED_AFTER = timedelta(minutes=2)


def request_fingerprint(request) -> str:
    """A digest of what the request asks: path and fields, with files by their content."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}".encode())
    fields = {}
    for name in sorted(request.data.keys()) if hasattr(request.data, "keys") else []:
        values = request.data.getlist(name) if hasattr(request.data, "getlist") else [request.data[name]]
        fields[name] = [_value_fingerprint(value) for value in values]
    if not hasattr(request.data, "keys"):
        fields["_body"] = request.data
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _value_fingerprint(value):
    if hasattr(value, "chunks"):
        file_digest = hashlib.sha256()
        for chunk in value.chunks():
            file_digest.update(chunk)
        value.seek(0)
        return f"file:{file_digest.hexdigest()}"
    return value


def run_idempotently(request, produce: Callable[[], Response]) -> Response:
    """Answer `produce()` once per (user, key); replays keep the first status and body."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return produce()
    if len(key) > 255:
        raise ValidationFailed(_("Idempotency-Key admite como máximo 255 caracteres."), fields={HEADER: ["max 255"]})
    fingerprint = request_fingerprint(request)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(user=request.user, key=key, fingerprint=fingerprint)
    except IntegrityError:
        abandoned = IdempotencyRecord.objects.filter(
            user=request.user, key=key, completed_at__isnull=True, created_at__lt=timezone.now() - ABANDONED_AFTER
        ).delete()[0]
        if abandoned:
            return run_idempotently(request, produce)
        return _replay(request, key=key, fingerprint=fingerprint)
    try:
        response = produce()
    except Conflict as refusal:
        _store(record, status=refusal.status_code, body=_error_body(refusal))
        raise
    except Exception as error:
        status = getattr(error, "status_code", None)
        if status and 400 <= status < 500 and hasattr(error, "message"):
            _store(record, status=status, body=_error_body(error))
        else:
            record.delete()  # an unexpected failure: let the client retry for real
        raise
    _store(record, status=response.status_code, body=response.data)
    response["Idempotent-Replay"] = "false"
    return response


def _error_body(error) -> dict:
    return {"error": {"code": error.code, "message": error.message, "fields": error.fields}}


def _store(record: IdempotencyRecord, *, status: int, body) -> None:
    record.response_status = status
    record.response_body = json.loads(json.dumps(body, default=str))
    record.completed_at = timezone.now()
    record.save(update_fields=["response_status", "response_body", "completed_at"])


def _replay(request, *, key: str, fingerprint: str) -> Response:
    deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
    while True:
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if record is None:  # the first attempt failed unexpectedly and was forgotten
            raise Conflict(_("La solicitud anterior con esta clave falló; reintenta."), code="idempotency_retry")
        if record.fingerprint != fingerprint:
            raise Conflict(
                _("Esta Idempotency-Key ya se usó con otra solicitud."),
                code="idempotency_key_reused",
                fields={HEADER: [_("usada con otro contenido")]},
            )
        if record.completed_at is not None:
            response = Response(record.response_body, status=record.response_status)
            response["Idempotent-Replay"] = "true"
            return response
        if time.monotonic() > deadline:
            raise Conflict(_("Una solicitud con esta clave aún está en curso."), code="idempotency_in_progress")
        time.sleep(0.05)


FORM_FINGERPRINT = "form"


def run_once(*, user, key: str, produce: Callable[[], dict]) -> tuple[dict, bool]:
    """A form's submission key (a hidden field): `produce()` runs once per (user, key), in one transaction
    with its record. A resend (a double click, a reload) gets `(first result, False)` instead of a second
    effect; a refusal rolls the record back with everything else, so the corrected form can be sent again.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=user, key=key, fingerprint=FORM_FINGERPRINT)
        except IntegrityError:
            # the first sender committed before this insert went through (it waited on the unique key)
            first = IdempotencyRecord.objects.get(user=user, key=key)
            return first.response_body or {}, False
        result = produce()
        _store(record, status=200, body=result)
    return result, True
