"""Evidence files are private: they are streamed to those allowed, never served from a public URL."""

from django.http import FileResponse, Http404

from evidence.models import DeliveryEvidence


def evidence_file_response(evidence: DeliveryEvidence) -> FileResponse:
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    extension = "." + evidence.file.name.rsplit(".", 1)[-1] if "." in evidence.file.name else ""
    response = FileResponse(
        handle,
        content_type=evidence.content_type or "application/octet-stream",
        filename=f"evidencia-{evidence.pk}{extension}",
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


def has_public_url(evidence: DeliveryEvidence) -> bool:
    """True when the storage itself signs short-lived URLs (S3); local files have no URL of their own."""
    return bool(evidence.file) and evidence.file.url.startswith(("https://", "http://"))
