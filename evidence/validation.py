"""Uploaded files are judged by their bytes, never by their name or declared type."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

# Phone photos top out near 50 MP; anything far larger is a decompression bomb.
MAX_IMAGE_PIXELS = 80_000_000

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size_bytes: int
    sha256: str


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def check_upload(upload: UploadedFile) -> CheckedFile:
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise PayloadTooLarge(
            _("El archivo pesa %(size).1f MB; el máximo es %(limit).0f MB.")
            % {"size": upload.size / 1_048_576, "limit": limit / 1_048_576},
            fields={"file": [_("demasiado grande")]},
        )
    if not upload.size:
        raise ValidationFailed(_("El archivo está vacío."), fields={"file": [_("vacío")]})
    upload.seek(0)
    detected = sniff(upload.read(16))
    if detected is None:
        raise UnsupportedMediaType(
            _("Formato no admitido: sube una foto JPEG, PNG o WebP, o un PDF."),
            fields={"file": [_("formato no admitido")]},
        )
    content_type, extension = detected
    if content_type.startswith("image/"):
        _check_image(upload, expected_format=PIL_FORMATS[content_type])
    else:
        _check_pdf(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type, extension, upload.size, digest.hexdigest())


def _check_image(upload: UploadedFile, *, expected_format: str) -> None:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    raise UnidentifiedImageError(image.format)
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                image.load()  # decodes every pixel: a truncated or forged file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed(
            _("La imagen tiene demasiados píxeles para ser una foto."), fields={"file": [_("imagen demasiado grande")]}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed(
            _("La imagen está dañada o incompleta."), fields={"file": [_("imagen inválida")]}
        ) from None
    finally:
        upload.seek(0)


def _check_pdf(upload: UploadedFile) -> None:
    # a complete PDF ends with %%EOF near its end; a truncated upload does not
    size = upload.size
    upload.seek(max(0, size - 1024))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise ValidationFailed(_("El PDF está dañado o incompleto."), fields={"file": [_("PDF inválido")]})
