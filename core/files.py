"""Private files (evidence, attempt photos, dispute attachments): reached only by those allowed.

On S3 the views that checked the reader answer with a redirect to a presigned URL that lives
`AWS_QUERYSTRING_EXPIRE` seconds (the bytes never pass through the web process); on local
storage they stream the file themselves.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

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


def extension_of(name: str) -> str:
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
