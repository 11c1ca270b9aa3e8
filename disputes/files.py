"""Dispute attachments are private, like evidence: streamed to those allowed, never from a public URL."""

from django.http import FileResponse, Http404

from disputes.models import DisputeAttachment


def attachment_file_response(attachment: DisputeAttachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    extension = "." + attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else ""
    response = FileResponse(
        handle,
        content_type=attachment.content_type or "application/octet-stream",
        filename=f"adjunto-{attachment.pk}{extension}",
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
