from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from sellers.models import Seller


class NotificationKind(models.TextChoices):
    NEW_ORDER = "new_order", _("Nueva orden")
    ORDER_UPDATED = "order_updated", _("Orden actualizada")
    DEADLINE_WARNING = "deadline_warning", _("Plazo por vencer")
    PENALTY_RAISED = "penalty_raised", _("Penalidad aplicada")
    CANCELLATION_REQUEST = "cancellation_request", _("Solicitud de cancelación")
    DISPUTE = "dispute", _("Controversia")
    DISPUTE_MESSAGE = "dispute_message", _("Mensaje en controversia")
    DELIVERY_ATTEMPT = "delivery_attempt", _("Intento de entrega fallido")
    ORDER_RETURNED = "order_returned", _("Orden devuelta al vendedor")
    EVIDENCE_REVIEWED = "evidence_reviewed", _("Evidencia revisada")
    PAYMENT_NOT_RECEIVED = "payment_not_received", _("Pago no recibido")


class Notification(models.Model):
    """An in-panel message for one member of a seller."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("tipo"), max_length=32, choices=NotificationKind.choices)
    text = models.CharField(_("texto"), max_length=300)
    # the same text in every language of settings.LANGUAGES, rendered when the notice is written
    texts = models.JSONField(_("textos por idioma"), default=dict, blank=True)
    read_at = models.DateTimeField(_("leída"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        ordering = ["-created_at", "-id"]
        constraints = [
            # one "new order" notice per member and order, however often the feed resends it
            models.UniqueConstraint(
                fields=["user", "order", "kind"],
                condition=models.Q(kind="new_order"),
                name="notification_one_new_order_per_user",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "seller"], name="notification_unread_idx", condition=models.Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def localized_text(self) -> str:
        """The text in the reader's language, falling back to the default one."""
        language = get_language() or ""
        return self.texts.get(language) or self.texts.get(language.split("-")[0]) or self.text
