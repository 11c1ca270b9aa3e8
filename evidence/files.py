"""Evidence files are private: reached only by those allowed (core.files), never from a public URL."""

from __future__ import annotations

from django.http import HttpResponse

from core.files import extension_of, private_file_response, signs_urls
from evidence.models import DeliveryAttempt, DeliveryEvidence


def evidence_file_response(evidence: DeliveryEvidence, *, thumbnail: bool = False) -> HttpResponse:
    if thumbnail and evidence.thumbnail:
        return private_file_response(
            evidence.thumbnail, content_type="image/jpeg", filename=f"evidencia-{evidence.pk}-miniatura.jpg"
        )
    return private_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=f"evidencia-{evidence.pk}{extension_of(evidence.file.name)}",
    )


def attempt_photo_response(attempt: DeliveryAttempt) -> HttpResponse:
    return private_file_response(
        attempt.photo,
        content_type=attempt.photo_content_type,
        filename=f"intento-{attempt.pk}{extension_of(attempt.photo.name)}",
    )


def has_public_url(evidence: DeliveryEvidence) -> bool:
    """Kept for callers that ask whether the file has a (presigned) URL of its own."""
    return bool(evidence.file) and signs_urls(evidence.file)
