import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from sellers.models import Seller


class EvidenceKind(models.TextChoices):
    BUYER_RECEIVING = "buyer_receiving", _("Cliente recibiendo el pedido")
    SIGNED_GUIDE = "signed_guide", _("Guía firmada")
    DNI_PHOTO = "dni_photo", _("Foto del DNI (opcional)")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Por revisar")
    ACCEPTED = "accepted", _("Aceptada")
    REJECTED = "rejected", _("Rechazada")


class EvidenceWarning(models.TextChoices):
    """Why an operator should look twice; stored on the evidence, never a reason to refuse it."""

    NAME_DIFFERS = "name_differs", _("El nombre de quien recibe no coincide con el del comprador.")
    DOCUMENT_DIFFERS = "document_differs", _("El documento de quien recibe no coincide con el del comprador.")
    NO_SIGNATURE = "no_signature", _("La guía no tiene firma.")
    CAPTURED_BEFORE_SHIPPING = "captured_before_shipping", _("La foto se tomó antes del envío.")


class AttemptReason(models.TextChoices):
    BUYER_ABSENT = "buyer_absent", _("Cliente ausente")
    BAD_ADDRESS = "bad_address", _("Dirección errada o inexistente")
    DANGEROUS_AREA = "dangerous_area", _("Zona peligrosa")
    REFUSED_BY_BUYER = "refused_by_buyer", _("Rechazado por el cliente")
    UNAUTHORIZED_RECEIVER = "unauthorized_receiver", _("Receptor no autorizado")


def private_key(extension: str) -> str:
    # keys carry no buyer data and cannot be guessed; the extension comes from the content
    return f"evidence/{uuid.uuid4().hex}{extension}"


def evidence_upload_to(instance: "DeliveryEvidence", filename: str) -> str:
    return private_key(instance.file_extension)


def thumbnail_upload_to(instance: "DeliveryEvidence", filename: str) -> str:
    return private_key(".jpg")


def attempt_photo_upload_to(instance: "DeliveryAttempt", filename: str) -> str:
    return private_key(instance.file_extension)


# What a submitted evidence is; nothing may change these after the row is written (a trigger on
# PostgreSQL, the model's save() everywhere). The review lives in other columns; a superseding
# evidence points at the one it replaces, so the replaced row is never touched either.
IMMUTABLE_FIELDS = (
    "seller_id",
    "order_id",
    "kind",
    "file",
    "url",
    "content_type",
    "original_content_type",
    "size_bytes",
    "sha256",
    "stored_sha256",
    "original_filename",
    "receiver_full_name",
    "receiver_document_number",
    "received_at",
    "signature_present",
    "captured_at",
    "capture_latitude",
    "capture_longitude",
    "capture_device",
    "warnings",
    "supersedes_id",
    "created_at",
)


class DeliveryEvidence(models.Model):
    """Proof that the buyer got the parcel: an uploaded file or an https link, never both.

    Immutable once written: a mistaken one is superseded by a new one (both kept); operators
    judge each one (accepted / rejected with a reason).
    """

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="delivery_evidence")
    kind = models.CharField(_("tipo"), max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(_("archivo"), upload_to=evidence_upload_to, blank=True, max_length=200)
    thumbnail = models.FileField(_("miniatura"), upload_to=thumbnail_upload_to, blank=True, max_length=200)
    url = models.URLField(_("URL"), blank=True, max_length=500)
    content_type = models.CharField(_("tipo de contenido"), max_length=50, blank=True)
    original_content_type = models.CharField(_("tipo del original"), max_length=50, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("tamaño del original"), null=True, blank=True)
    sha256 = models.CharField(
        _("SHA-256 del original"), max_length=64, blank=True, help_text=_("Del archivo tal como se subió.")
    )
    stored_sha256 = models.CharField(
        _("SHA-256 guardado"), max_length=64, blank=True, help_text=_("Del archivo guardado (sin metadatos).")
    )
    original_filename = models.CharField(_("nombre original"), max_length=200, blank=True)

    receiver_full_name = models.CharField(_("nombre de quien recibe"), max_length=200, blank=True)
    receiver_document_number = models.CharField(_("documento de quien recibe"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("fecha y hora de recepción"), null=True, blank=True)
    signature_present = models.BooleanField(_("con firma"), null=True, blank=True)

    # from the photo's EXIF, before it is stripped from the stored file
    captured_at = models.DateTimeField(_("tomada el"), null=True, blank=True)
    capture_latitude = models.DecimalField(_("latitud"), max_digits=9, decimal_places=6, null=True, blank=True)
    capture_longitude = models.DecimalField(_("longitud"), max_digits=9, decimal_places=6, null=True, blank=True)
    capture_device = models.CharField(_("dispositivo"), max_length=100, blank=True)

    warnings = models.JSONField(_("advertencias"), default=list, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("reemplaza a"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    review_state = models.CharField(
        _("revisión"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    rejection_reason = models.CharField(_("motivo del rechazo"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("revisada el"), null=True, blank=True)

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidencia de entrega")
        verbose_name_plural = _("evidencias de entrega")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="evidence_file_xor_url",
            ),
            models.CheckConstraint(
                condition=~Q(kind="signed_guide")
                | (~Q(receiver_full_name="") & ~Q(receiver_document_number="") & Q(received_at__isnull=False)),
                name="evidence_guide_has_receiver",
            ),
            models.CheckConstraint(condition=Q(review_state__in=ReviewState.values), name="evidence_review_valid"),
            models.CheckConstraint(
                condition=(Q(review_state="pending") & Q(reviewed_at__isnull=True))
                | (~Q(review_state="pending") & Q(reviewed_at__isnull=False)),
                name="evidence_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(review_state="rejected") | ~Q(rejection_reason=""),
                name="evidence_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["order", "created_at"], name="evidence_order_created_idx"),
            # the operators' queue: what still waits for a review, oldest first
            models.Index(
                fields=["created_at"], name="evidence_pending_review_idx", condition=Q(review_state="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.order}"

    file_extension = ""  # set by the service from the detected content type before saving

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values(*IMMUTABLE_FIELDS).first()
            if stored is not None:
                changed = [name for name in IMMUTABLE_FIELDS if _comparable(getattr(self, name)) != stored[name]]
                if changed:
                    raise ValueError(f"delivery evidence is immutable once submitted ({', '.join(changed)})")
        super().save(*args, **kwargs)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "superseded_by")

    @property
    def counts_as_valid(self) -> bool:
        return self.review_state != ReviewState.REJECTED and not self.is_superseded

    @property
    def warning_texts(self) -> list[str]:
        labels = dict(EvidenceWarning.choices)
        return [str(labels.get(code, code)) for code in self.warnings or []]

    @property
    def has_capture_place(self) -> bool:
        return self.capture_latitude is not None and self.capture_longitude is not None


def _comparable(value):
    # a FieldFile compares by name with the stored string
    return getattr(value, "name", value) if hasattr(value, "storage") else value


class DeliveryAttempt(models.Model):
    """A delivery by the seller's own courier that failed; the contract's last one returns the order."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveSmallIntegerField(_("intento"))
    reason = models.CharField(_("motivo"), max_length=30, choices=AttemptReason.choices)
    note = models.CharField(_("nota"), max_length=500, blank=True)
    attempted_at = models.DateTimeField(_("fecha del intento"))
    photo = models.FileField(_("foto"), upload_to=attempt_photo_upload_to, blank=True, max_length=200)
    photo_content_type = models.CharField(_("tipo de la foto"), max_length=50, blank=True)
    photo_sha256 = models.CharField(_("SHA-256 de la foto original"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intento de entrega fallido")
        verbose_name_plural = _("intentos de entrega fallidos")
        ordering = ["order", "number"]
        constraints = [
            # two attempts recorded at once cannot both be "the 2nd": the lock orders them, this proves it
            models.UniqueConstraint(fields=["order", "number"], name="attempt_unique_number_per_order"),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
            models.CheckConstraint(condition=Q(reason__in=AttemptReason.values), name="attempt_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.order} — {_('intento')} {self.number}: {self.get_reason_display()}"

    file_extension = ""
