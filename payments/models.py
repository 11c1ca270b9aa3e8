"""The payments ledger: every payment, refund or reversal of an order is one row, never edited.

On PostgreSQL a trigger (migration 0002) refuses any UPDATE or DELETE of a row; a mistake is
undone by a new row of kind `reversal` pointing at the row it cancels. The order's payment status
is derived from these rows (payments.ledger) and its copy on `Order.payment_status` is written
in the same transaction as each row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from orders.models import Order, PaymentMethod
from sellers.models import Seller


class Kind(models.TextChoices):
    PAYMENT = "payment", _("Pago")
    REFUND = "refund", _("Reembolso")
    REVERSAL = "reversal", _("Reversión")


class EntryStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmado")
    FAILED = "failed", _("Fallido")  # the marketplace reports a payment that did not go through: kept, counts 0


class Source(models.TextChoices):
    MEMBER = "member", _("Seller")
    OPERATOR = "operator", _("Operador")
    MARKETPLACE = "marketplace", _("Marketplace")
    SYSTEM = "system", _("Sistema")


DOCUMENT_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}


def document_upload_to(instance: "Payment", filename: str) -> str:
    # no buyer data, not guessable; the extension comes from the content
    return f"payments/{uuid.uuid4().hex}{instance.document_extension}"


class Payment(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("estado"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.CONFIRMED)
    method = models.CharField(_("forma de pago"), max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("monto"), max_digits=12, decimal_places=2)
    # what the row does to the money received: +amount (payment), -amount (refund), the opposite of the
    # reversed row's effect (reversal), 0 (failed). Sums of it are the reconciliation's totals.
    effect = models.DecimalField(_("efecto"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("moneda"), max_length=3)
    reference = models.CharField(_("código de referencia"), max_length=100, blank=True)
    document = models.FileField(_("documento de soporte"), upload_to=document_upload_to, max_length=200, blank=True)
    document_content_type = models.CharField(_("tipo del documento"), max_length=50, blank=True)
    document_sha256 = models.CharField(_("SHA-256 del documento"), max_length=64, blank=True)
    note = models.CharField(_("nota"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("revierte a"),
    )
    source = models.CharField(_("registrado por"), max_length=12, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(_("usuario"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("registrado el"), auto_now_add=True)

    class Meta:
        verbose_name = _("movimiento de pago")
        verbose_name_plural = _("pagos")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=(Q(kind="payment", status="confirmed") & Q(effect=F("amount")))
                | (Q(kind="refund", status="confirmed") & Q(effect=-F("amount")))
                | (Q(kind__in=["payment", "refund"], status="failed") & Q(effect=0))
                | (Q(kind="reversal", status="confirmed") & (Q(effect=F("amount")) | Q(effect=-F("amount")))),
                name="payment_effect_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="payment_reversal_points_at_a_row",
            ),
            # the marketplace resends: its reference (with what it says happened) is recorded once per order
            models.UniqueConstraint(
                fields=["order", "reference", "kind", "status"],
                condition=Q(source="marketplace") & ~Q(reference=""),
                name="payment_unique_feed_reference",
            ),
        ]
        indexes = [
            # the «Pagos» page: a seller's ledger, newest first
            models.Index(fields=["seller", "-created_at", "-id"], name="payment_seller_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.order_id})"

    @property
    def document_extension(self) -> str:
        return DOCUMENT_EXTENSIONS.get(self.document_content_type, "")

    @property
    def counts(self) -> bool:
        return self.status == EntryStatus.CONFIRMED
