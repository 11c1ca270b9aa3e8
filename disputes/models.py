from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from sellers.models import Seller


class CancellationType(models.TextChoices):
    CANCELED_BY_SELLER = "canceled_by_seller", _("Cancelado por el seller [CS] (quiebre de stock)")
    BUYER_REQUEST = "buyer_request", _("Pedido del comprador")
    PAYMENT_NOT_CONFIRMED = "payment_not_confirmed", _("Pago no confirmado")
    ADDRESS_NOT_SERVED = "address_not_served", _("Dirección fuera de cobertura")
    FRAUD_SUSPICION = "fraud_suspicion", _("Sospecha de fraude")
    PRICE_ERROR = "price_error", _("Error de precio publicado")


class Cancellation(models.Model):
    """Why, by whom and by whose account an order was canceled before handling."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="cancellation")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    cancellation_type = models.CharField(_("tipo"), max_length=40, choices=CancellationType.choices)
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
        return f"{self.order} — {self.get_cancellation_type_display()}"
