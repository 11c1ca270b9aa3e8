from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import StockItem
from orders.models import Order
from sellers.models import Seller


class Shipment(models.Model):
    """What "Realizar envío" records: who carries the parcel and how to follow it."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="shipment")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    carrier = models.CharField(_("transportista"), max_length=100)
    tracking_number = models.CharField(_("número de seguimiento"), max_length=100)
    tracking_url = models.URLField(_("URL de seguimiento"), blank=True, max_length=500)
    guide_number = models.CharField(_("número de guía"), max_length=100, blank=True)
    shipped_at = models.DateTimeField(_("fecha de envío"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("envío")
        verbose_name_plural = _("envíos")
        constraints = [
            models.CheckConstraint(
                condition=~Q(carrier="") & ~Q(tracking_number=""), name="shipment_carrier_and_tracking"
            ),
        ]
        indexes = [models.Index(fields=["seller", "tracking_number"], name="shipment_seller_tracking_idx")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class StockReservation(models.Model):
    """Units of a SKU held for an order from "Iniciar manejo" on."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="stock_reservations")
    stock_item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reserva de stock")
        verbose_name_plural = _("reservas de stock")
        constraints = [
            # one reservation per order and SKU, however often "Iniciar manejo" is pressed
            models.UniqueConstraint(fields=["order", "stock_item"], name="reservation_unique_order_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.stock_item.sku} x{self.quantity}"
