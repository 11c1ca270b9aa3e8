import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from sellers.models import Seller


class ReasonCode:
    """Codes the code itself relies on; every reason (these too) is a CancellationReason row."""

    CANCELED_BY_SELLER = "canceled_by_seller"
    BUYER_REQUEST = "buyer_request"
    PAYMENT_NOT_CONFIRMED = "payment_not_confirmed"
    PAYMENT_NOT_RECEIVED = "payment_not_received"
    ADDRESS_NOT_SERVED = "address_not_served"
    FRAUD_SUSPICION = "fraud_suspicion"
    PRICE_ERROR = "price_error"
    PRODUCT_NOT_RECEIVED = "product_not_received"
    PRODUCT_DAMAGED = "product_damaged"
    PRODUCT_NOT_AS_DESCRIBED = "product_not_as_described"
    PRODUCT_INCOMPLETE = "product_incomplete"


class Party(models.TextChoices):
    SELLER = "seller", _("Seller")
    BUYER = "buyer", _("Comprador")
    OPERATOR = "operator", _("Operador")
    SYSTEM = "system", _("Sistema")


class CancellationReason(models.Model):
    """A cancellation reason or dispute type: data the operators manage in the admin."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    label_es = models.CharField(_("nombre en español"), max_length=120)
    label_en = models.CharField(_("nombre en inglés"), max_length=120, blank=True)
    usable_by_seller = models.BooleanField(_("lo usa el seller"), default=False)
    usable_by_buyer = models.BooleanField(_("lo usa el comprador"), default=False)
    usable_by_operator = models.BooleanField(_("lo usa el operador"), default=True)
    is_cancellation = models.BooleanField(_("motivo de cancelación"), default=False)
    is_dispute_type = models.BooleanField(_("tipo de controversia"), default=False)
    active = models.BooleanField(_("activo"), default=True)
    position = models.PositiveSmallIntegerField(_("orden"), default=100)

    class Meta:
        verbose_name = _("motivo de cancelación o controversia")
        verbose_name_plural = _("motivos de cancelación y controversia")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_cancellation=True) | Q(is_dispute_type=True), name="reason_has_a_use"
            ),
            models.CheckConstraint(condition=~Q(label_es=""), name="reason_has_spanish_label"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (Spanish when no English name was given)."""
        if (get_language() or "").startswith("en") and self.label_en:
            return self.label_en
        return self.label_es

    def usable_by(self, party: str) -> bool:
        return {
            Party.SELLER: self.usable_by_seller,
            Party.BUYER: self.usable_by_buyer,
            Party.OPERATOR: self.usable_by_operator,
        }.get(party, False)


class Cancellation(models.Model):
    """Why, by whom and by whose account an order was canceled (seller, accepted buyer request, refund)."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="cancellation")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    # the column keeps its old name and its values (the codes): the reason became a row
    reason = models.ForeignKey(
        CancellationReason,
        to_field="code",
        db_column="cancellation_type",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tipo"),
    )
    text = models.TextField(_("texto"))
    responsible = models.CharField(_("responsable"), max_length=150)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cancelación")
        verbose_name_plural = _("cancelaciones")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") & ~Q(responsible=""), name="cancellation_text_and_responsible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} — {self.reason_id}"

    @property
    def cancellation_type(self) -> str:
        return self.reason_id

    def get_cancellation_type_display(self) -> str:
        return self.reason.label


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    ACCEPTED = "accepted", _("Aceptada")
    REJECTED = "rejected", _("Rechazada")
    # the order moved on (e.g. delivered) before anyone answered: nothing left to cancel
    LAPSED = "lapsed", _("Sin efecto")


class CancellationRequest(models.Model):
    """The buyer asks (through the marketplace) to cancel; the seller answers within 72 h or it is accepted."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="cancellation_requests")
    reason = models.ForeignKey(CancellationReason, on_delete=models.PROTECT, related_name="+", verbose_name=_("motivo"))
    text = models.TextField(_("texto del comprador"), blank=True)
    reference = models.CharField(_("referencia del marketplace"), max_length=80, blank=True)
    status = models.CharField(_("estado"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    deadline = models.DateTimeField(_("responder antes de"))
    warned_at = models.DateTimeField(_("aviso de plazo"), null=True, blank=True)
    answered_at = models.DateTimeField(_("respondida"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_automatically = models.BooleanField(_("aceptada por plazo vencido"), default=False)
    rejection_reason = models.TextField(_("motivo del rechazo"), blank=True)
    rejection_tracking_number = models.CharField(_("número de seguimiento"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("solicitud de cancelación")
        verbose_name_plural = _("solicitudes de cancelación")
        ordering = ["-created_at", "-id"]
        constraints = [
            # one pending request per order: the order's hold means exactly this one
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="pending"), name="cancellationrequest_one_pending_per_order"
            ),
            # the marketplace may resend the same request: intake is idempotent by its reference
            models.UniqueConstraint(
                fields=["order", "reference"], condition=~Q(reference=""), name="cancellationrequest_unique_reference"
            ),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="cancellationrequest_status"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="cancellationrequest_rejected_why"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(answered_at__isnull=False), name="cancellationrequest_answered_at"
            ),
        ]
        indexes = [
            models.Index(fields=["deadline"], name="cancelreq_pending_deadline_idx", condition=Q(status="pending")),
            models.Index(fields=["seller", "status", "-created_at"], name="cancelreq_seller_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order} — {self.get_status_display()}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Abierta")
    AWAITING_SELLER = "awaiting_seller", _("Espera respuesta del seller")
    AWAITING_BUYER = "awaiting_buyer", _("Espera respuesta del comprador")
    RESOLVED = "resolved", _("Resuelta")
    CLOSED = "closed", _("Cerrada")

    @classmethod
    def active(cls) -> tuple[str, ...]:
        return (cls.OPEN, cls.AWAITING_SELLER, cls.AWAITING_BUYER)


class Resolution(models.TextChoices):
    FOR_SELLER = "for_seller", _("A favor del seller")
    FOR_BUYER = "for_buyer", _("A favor del comprador (reembolso)")
    PARTIAL = "partial", _("Parcial")


class Dispute(models.Model):
    """A controversy about an order after handling started; only an operator settles it."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="disputes")
    reason = models.ForeignKey(CancellationReason, on_delete=models.PROTECT, related_name="+", verbose_name=_("tipo"))
    opened_by_party = models.CharField(_("abierta por"), max_length=10, choices=Party.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("texto de la controversia"))
    responsible = models.CharField(_("responsable"), max_length=150)
    reference = models.CharField(_("referencia del marketplace"), max_length=80, blank=True)
    status = models.CharField(_("estado"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    respond_by = models.DateTimeField(_("el seller responde antes de"), null=True, blank=True)
    warned_at = models.DateTimeField(_("aviso de plazo"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("operador asignado"),
        limit_choices_to={"is_staff": True},
    )
    resolution = models.CharField(_("resolución"), max_length=12, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(_("nota de resolución"), blank=True)
    refund_amount = models.DecimalField(_("reembolso"), max_digits=12, decimal_places=2, null=True, blank=True)
    seller_liable = models.BooleanField(_("responsabilidad del seller"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("controversia")
        verbose_name_plural = _("controversias")
        ordering = ["-created_at", "-id"]
        constraints = [
            # one live dispute per order; a double click or a resent intake cannot open two
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["open", "awaiting_seller", "awaiting_buyer"]),
                name="dispute_one_active_per_order",
            ),
            models.UniqueConstraint(
                fields=["order", "reference"], condition=~Q(reference=""), name="dispute_unique_reference"
            ),
            models.CheckConstraint(condition=Q(status__in=DisputeStatus.values), name="dispute_status_valid"),
            models.CheckConstraint(condition=~Q(text="") & ~Q(responsible=""), name="dispute_text_and_responsible"),
            # a resolution exists exactly when the dispute is resolved
            models.CheckConstraint(
                condition=(Q(status="resolved") & ~Q(resolution="") & Q(resolved_at__isnull=False))
                | (~Q(status="resolved") & Q(resolution="")),
                name="dispute_resolution_iff_resolved",
            ),
            models.CheckConstraint(
                condition=~Q(status="awaiting_seller") | Q(respond_by__isnull=False),
                name="dispute_awaiting_seller_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(refund_amount__isnull=True) | Q(refund_amount__gte=0), name="dispute_refund_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "status", "-created_at"], name="dispute_seller_status_idx"),
            # the overdue sweep reads only disputes waiting for the seller, by deadline
            models.Index(
                fields=["respond_by"], name="dispute_awaiting_respond_idx", condition=Q(status="awaiting_seller")
            ),
        ]

    def __str__(self) -> str:
        return _("Controversia %(id)s de %(order)s") % {"id": self.pk, "order": self.order}

    @property
    def is_active(self) -> bool:
        return self.status in DisputeStatus.active()


class DisputeMessage(models.Model):
    """One entry of a dispute's thread; appended, never edited."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="messages")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    party = models.CharField(_("parte"), max_length=10, choices=Party.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(_("autor"), max_length=150, blank=True)
    text = models.TextField(_("mensaje"))
    # the marketplace's id for a buyer's message: a resent feed message is stored once
    reference = models.CharField(_("referencia"), max_length=80, blank=True, default="")
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("mensaje de controversia")
        verbose_name_plural = _("mensajes de controversia")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="disputemessage_has_text"),
            models.UniqueConstraint(
                fields=["dispute", "reference"], condition=~Q(reference=""), name="disputemessage_unique_reference"
            ),
        ]
        indexes = [models.Index(fields=["dispute", "created_at"], name="disputemessage_thread_idx")]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.text[:40]}"


def attachment_upload_to(instance: "DisputeAttachment", filename: str) -> str:
    # like evidence: unguessable keys without buyer data; the extension comes from the content
    return f"disputes/{uuid.uuid4().hex}{instance.file_extension}"


class DisputeAttachment(models.Model):
    """A file on a dispute message, checked like delivery evidence and stored privately."""

    message = models.ForeignKey(DisputeMessage, on_delete=models.CASCADE, related_name="attachments")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("archivo"), upload_to=attachment_upload_to, max_length=200)
    content_type = models.CharField(_("tipo de contenido"), max_length=50)
    size_bytes = models.PositiveBigIntegerField(_("tamaño"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_filename = models.CharField(_("nombre original"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adjunto de controversia")
        verbose_name_plural = _("adjuntos de controversia")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_filename or self.file.name

    file_extension = ""  # set by the service from the detected content type before saving

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
