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


def evidence_upload_to(instance: "DeliveryEvidence", filename: str) -> str:
    # keys carry no buyer data and cannot be guessed; the extension comes from the content
    return f"evidence/{uuid.uuid4().hex}{instance.file_extension}"


class DeliveryEvidence(models.Model):
    """Proof that the buyer got the parcel: an uploaded file or an https link, never both."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="delivery_evidence")
    kind = models.CharField(_("tipo"), max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(_("archivo"), upload_to=evidence_upload_to, blank=True, max_length=200)
    url = models.URLField(_("URL"), blank=True, max_length=500)
    content_type = models.CharField(_("tipo de contenido"), max_length=50, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("tamaño"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    original_filename = models.CharField(_("nombre original"), max_length=200, blank=True)
    receiver_full_name = models.CharField(_("nombre de quien recibe"), max_length=200, blank=True)
    receiver_document_number = models.CharField(_("documento de quien recibe"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("fecha y hora de recepción"), null=True, blank=True)
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
        ]
        indexes = [models.Index(fields=["order", "created_at"], name="evidence_order_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.order}"

    file_extension = ""  # set by the service from the detected content type before saving

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
