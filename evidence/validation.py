"""Uploaded files are judged by their bytes, never by their name or declared type.

`prepare_upload()` streams the original once for its SHA-256 and a scan for embedded code, decodes
images fully (bombs, truncation and forgeries fail here), records the capture time and place from
EXIF, and produces the file that is stored: images re-encoded without any metadata (GPS, device
serials, comments, XMP), PDFs as they came. Only the decoded pixels and one re-encoded copy are ever
held at once; the original stays in Django's upload (a temporary file above 2.5 MB).
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import IO
from zoneinfo import ZoneInfo

import pillow_heif
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

# phones shoot HEIC: decode it like any other image (stored re-encoded as JPEG, which every browser shows)
pillow_heif.register_heif_opener()

# Phone photos top out near 50 MP; anything far larger is a decompression bomb.
MAX_IMAGE_PIXELS = 80_000_000
CHUNK = 64 * 1024
THUMBNAIL_SIZE = (480, 480)
# what a stored copy is re-encoded with (the original's digest is kept, not its bytes)
JPEG_QUALITY = 90

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
PIL_FORMATS = {"image/jpeg": {"JPEG", "MPO"}, "image/png": {"PNG"}, "image/webp": {"WEBP"}, "image/heic": {"HEIF"}}
# how each kind of image is stored: (content type, extension, Pillow format)
STORED_AS = {
    "image/jpeg": ("image/jpeg", ".jpg", "JPEG"),
    "image/png": ("image/png", ".png", "PNG"),
    "image/webp": ("image/webp", ".webp", "WEBP"),
    "image/heic": ("image/jpeg", ".jpg", "JPEG"),
}
# Code a web server might run or a viewer execute; a photo or a delivery guide never carries it.
# Long enough markers that compressed pixel data matches them by chance about never (< 1e-5 per photo).
EMBEDDED_CODE = re.compile(rb"<\?php|<script[\s>]|#!/bin/|<\?xml-stylesheet", re.IGNORECASE)
# a delivery guide needs none of these; the short "/JS" key always comes with "/JavaScript"
PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFile|RichMedia)(?![A-Za-z0-9])")
MARKER_OVERLAP = 32


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size_bytes: int
    sha256: str


@dataclass
class CaptureInfo:
    captured_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    device: str = ""


@dataclass
class PreparedFile:
    """What gets stored for one upload, and what is known about the original."""

    original: CheckedFile
    content_type: str
    extension: str
    stored: File
    stored_sha256: str
    thumbnail: ContentFile | None = None
    capture: CaptureInfo = field(default_factory=CaptureInfo)

    def close(self) -> None:
        if self.stored is not self.original_upload:
            self.stored.close()

    original_upload: UploadedFile | None = None


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic", ".heic"
    return None


def _unsupported() -> UnsupportedMediaType:
    return UnsupportedMediaType(
        _("Formato no admitido: sube una foto JPEG, PNG, WebP o HEIC, o un PDF."),
        fields={"file": [_("formato no admitido")]},
    )


IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif")
_KIND_LABELS = {"image": lambda: _("una imagen"), "application": lambda: _("un PDF")}


def _declared_kind(upload: UploadedFile) -> str:
    """ "image" or "application" (PDF) as the name, else the declared type, claims; "" when neither says."""
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith(IMAGE_EXTENSIONS):
        return "image"
    if name.endswith(".pdf"):
        return "application"
    declared = (getattr(upload, "content_type", "") or "").lower()
    if declared.startswith("image/"):
        return "image"
    if declared == "application/pdf":
        return "application"
    return ""


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The whole check of a file kept as it came (e.g. dispute attachments): size, type by content,
    embedded code, and a full decode of images (bombs, truncation) or the PDF's structure."""
    checked = scan_upload(upload)
    if checked.content_type == "application/pdf":
        _check_pdf(upload)
    else:
        _decode_image(upload, checked)
    return checked


def scan_upload(upload: UploadedFile) -> CheckedFile:
    """Size, type by content, and one streamed pass for the digest and embedded code."""
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
    detected = sniff(upload.read(32))
    if detected is None:
        raise _unsupported()
    content_type, extension = detected
    declared = _declared_kind(upload)
    if declared and declared != content_type.split("/")[0]:
        # e.g. a PDF renamed .jpg: a mistake or a disguise, refused either way (the bytes decide what it is)
        raise UnsupportedMediaType(
            _("El archivo dice ser %(declared)s pero su contenido es %(actual)s.")
            % {"declared": _KIND_LABELS[declared](), "actual": _KIND_LABELS[content_type.split("/")[0]]()},
            fields={"file": [_("el contenido no coincide con el tipo declarado")]},
        )
    digest = hashlib.sha256()
    tail = b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
        window = tail + chunk
        if EMBEDDED_CODE.search(window) or (content_type == "application/pdf" and PDF_ACTIVE_CONTENT.search(window)):
            raise ValidationFailed(
                _("El archivo contiene código o contenido activo incrustado; sube la foto o el PDF original."),
                fields={"file": [_("contenido no permitido")]},
            )
        tail = window[-MARKER_OVERLAP:]
    upload.seek(0)
    return CheckedFile(content_type, extension, upload.size, digest.hexdigest())


def prepare_upload(upload: UploadedFile, *, with_thumbnail: bool = True) -> PreparedFile:
    """Check an upload and build the copy to store. Raises a domain error (4xx) for anything wrong."""
    original = scan_upload(upload)
    if original.content_type == "application/pdf":
        _check_pdf(upload)
        return PreparedFile(
            original=original,
            content_type=original.content_type,
            extension=original.extension,
            stored=upload,
            stored_sha256=original.sha256,
            original_upload=upload,
        )
    return _prepare_image(upload, original, with_thumbnail=with_thumbnail)


def _image_error(message: str, problem: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [problem]})


def _decode_image(upload: UploadedFile, original: CheckedFile) -> None:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                _check_opened(image, original)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _image_error(
            _("La imagen tiene demasiados píxeles para ser una foto."), _("imagen demasiado grande")
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _image_error(_("La imagen está dañada o incompleta."), _("imagen inválida")) from None
    finally:
        upload.seek(0)


def _check_opened(image: Image.Image, original: CheckedFile) -> None:
    if image.format not in PIL_FORMATS[original.content_type]:
        raise UnidentifiedImageError(image.format)
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise Image.DecompressionBombError(f"{width}x{height}")


def _prepare_image(upload: UploadedFile, original: CheckedFile, *, with_thumbnail: bool) -> PreparedFile:
    stored_type, extension, pil_format = STORED_AS[original.content_type]
    # closed by PreparedFile.close() once the storage has it
    stored: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1_048_576)  # noqa: SIM115
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                _check_opened(image, original)
                capture = _capture_info(image)
                icc_profile = image.info.get("icc_profile")
                image.load()  # decodes every pixel: a truncated or forged file fails here
                # one set of pixels, turned upright in place: a 12 MP photo costs 36 MB, not a copy more
                ImageOps.exif_transpose(image, in_place=True)
                clean = _without_metadata(image, pil_format)
                options = {"icc_profile": icc_profile} if icc_profile else {}
                if pil_format in ("JPEG", "WEBP"):
                    options["quality"] = JPEG_QUALITY
                clean.save(stored, format=pil_format, **options)
                thumbnail = _thumbnail(clean) if with_thumbnail else None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        stored.close()
        raise _image_error(
            _("La imagen tiene demasiados píxeles para ser una foto."), _("imagen demasiado grande")
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        stored.close()
        raise _image_error(_("La imagen está dañada o incompleta."), _("imagen inválida")) from None
    finally:
        upload.seek(0)
    digest = hashlib.sha256()
    stored.seek(0)
    while chunk := stored.read(CHUNK):
        digest.update(chunk)
    stored.seek(0)
    return PreparedFile(
        original=original,
        content_type=stored_type,
        extension=extension,
        stored=File(stored, name=f"upload{extension}"),
        stored_sha256=digest.hexdigest(),
        thumbnail=thumbnail,
        capture=capture,
    )


def _without_metadata(image: Image.Image, pil_format: str) -> Image.Image:
    """The pixels alone: no EXIF, XMP, comments or text chunks travel to the stored copy."""
    if pil_format == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P", "I", "I;16", "1"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.info = {}  # encoders read EXIF, XMP and comments from here
    return image


def _thumbnail(image: Image.Image) -> ContentFile:
    if image.width <= THUMBNAIL_SIZE[0] and image.height <= THUMBNAIL_SIZE[1]:
        small = image.copy()  # already small: never enlarged
    else:
        small = ImageOps.contain(image, THUMBNAIL_SIZE)  # a new small image, not a full-size copy
    if small.mode != "RGB":
        small = small.convert("RGB")
    buffer = io.BytesIO()  # a few tens of KB
    small.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="thumb.jpg")


# --- EXIF -----------------------------------------------------------------------------------------


def _capture_info(image: Image.Image) -> CaptureInfo:
    """Capture time, place and device from EXIF; a malformed tag is ignored, never a refusal."""
    info = CaptureInfo()
    try:
        exif = image.getexif()
    except Exception:  # EXIF is advisory: a broken block must not refuse the photo
        return info
    if not exif:
        return info
    try:
        details = exif.get_ifd(ExifTags.IFD.Exif)
        info.captured_at = _exif_datetime(
            details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime),
            details.get(ExifTags.Base.OffsetTimeOriginal) or details.get(ExifTags.Base.OffsetTime),
        )
    except Exception:
        info.captured_at = None
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info.latitude = _exif_coordinate(
            gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), limit=90
        )
        info.longitude = _exif_coordinate(
            gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), limit=180
        )
        if info.latitude is None or info.longitude is None:
            info.latitude = info.longitude = None
    except Exception:
        info.latitude = info.longitude = None
    make = str(exif.get(ExifTags.Base.Make) or "").strip("\x00 ")
    model = str(exif.get(ExifTags.Base.Model) or "").strip("\x00 ")
    device = model if make and model.lower().startswith(make.lower()) else f"{make} {model}".strip()
    info.device = device[:100]
    return info


def _exif_datetime(value, offset) -> datetime | None:
    if not value:
        return None
    text = value.decode(errors="ignore") if isinstance(value, bytes) else str(value)
    try:
        moment = datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if offset:
        try:
            parsed = datetime.strptime(f"{text.strip()[:19]}{str(offset).strip()}", "%Y:%m:%d %H:%M:%S%z")
            return parsed
        except ValueError:
            pass
    # phones write local time without an offset: read it in the marketplace's time zone
    return timezone.make_aware(moment, ZoneInfo(settings.TIME_ZONE))


def _exif_coordinate(value, reference, *, limit: int) -> Decimal | None:
    if not value or len(value) != 3:
        return None
    degrees, minutes, seconds = (float(part) for part in value)
    decimal = degrees + minutes / 60 + seconds / 3600
    ref = reference.decode(errors="ignore") if isinstance(reference, bytes) else str(reference or "")
    if ref.strip("\x00 ").upper() in ("S", "W"):
        decimal = -decimal
    if not -limit <= decimal <= limit:
        return None
    return Decimal(str(decimal)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


# --- PDF --------------------------------------------------------------------------------------------


def _check_pdf(upload: UploadedFile) -> None:
    # a complete PDF ends with %%EOF near its end; a truncated upload does not
    size = upload.size
    upload.seek(max(0, size - 1024))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise ValidationFailed(_("El PDF está dañado o incompleto."), fields={"file": [_("PDF inválido")]})
