"""Dispute attachments are private, like evidence: served by core.files to those allowed."""

from django.http import HttpResponse

from core.files import extension_of, private_file_response
from disputes.models import DisputeAttachment


def attachment_file_response(attachment: DisputeAttachment) -> HttpResponse:
    return private_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=f"adjunto-{attachment.pk}{extension_of(attachment.file.name)}",
    )
