"""Evidence files are private: reached only by those allowed, never from a public URL.

On S3 the views that checked the reader answer with a redirect to a presigned URL that lives
`AWS_QUERYSTRING_EXPIRE` seconds (the bytes never pass through the web process); on local
storage they stream the file themselves.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

from evidence.models import DeliveryAttempt, DeliveryEvidence

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
}


def signs_urls(stored: FieldFile) -> bool:
    """True when the storage itself signs short-lived URLs (S3); local files have no URL of their own."""
    storage = stored.storage
    return bool(getattr(storage, "querystring_auth", False)) and hasattr(storage, "bucket_name")


def presigned_url(stored: FieldFile, *, content_type: str, filename: str, expire: int | None = None) -> str:
    return stored.storage.url(
        stored.name,
        parameters={
            "ResponseContentType": content_type or "application/octet-stream",
            "ResponseContentDisposition": f'inline; filename="{filename}"',
            "ResponseCacheControl": "private, no-store",
        },
        expire=expire,
    )


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""


def private_file_response(stored: FieldFile, *, content_type: str, filename: str) -> HttpResponse:
    if not stored:
        raise Http404
    if signs_urls(stored):
        response: HttpResponse = HttpResponseRedirect(
            presigned_url(stored, content_type=content_type, filename=filename)
        )
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type or "application/octet-stream", filename=filename)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["Cache-Control"] = "private, max-age=300"
    for header, value in SECURITY_HEADERS.items():
        response[header] = value
    return response


def evidence_file_response(evidence: DeliveryEvidence, *, thumbnail: bool = False) -> HttpResponse:
    if thumbnail and evidence.thumbnail:
        return private_file_response(
            evidence.thumbnail, content_type="image/jpeg", filename=f"evidencia-{evidence.pk}-miniatura.jpg"
        )
    return private_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=f"evidencia-{evidence.pk}{_extension(evidence.file.name)}",
    )


def attempt_photo_response(attempt: DeliveryAttempt) -> HttpResponse:
    return private_file_response(
        attempt.photo,
        content_type=attempt.photo_content_type,
        filename=f"intento-{attempt.pk}{_extension(attempt.photo.name)}",
    )


def has_public_url(evidence: DeliveryEvidence) -> bool:
    """Kept for callers that ask whether the file has a (presigned) URL of its own."""
    return bool(evidence.file) and signs_urls(evidence.file)
