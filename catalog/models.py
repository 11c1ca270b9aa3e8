from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sellers.models import Seller


class StockItem(models.Model):
    """One SKU of a seller: what is on hand, and how much of it open orders already hold."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="stock_items")
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("nombre"), max_length=200)
    quantity_on_hand = models.PositiveIntegerField(_("stock físico"), default=0)
    quantity_reserved = models.PositiveIntegerField(_("reservado"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock de SKU")
        verbose_name_plural = _("stock de SKUs")
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="stockitem_unique_seller_sku"),
            # the last line of defence against overselling: reservations never exceed stock
            models.CheckConstraint(
                condition=Q(quantity_reserved__lte=F("quantity_on_hand")),
                name="stockitem_reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} ({self.available} disp.)"

    @property
    def available(self) -> int:
        return self.quantity_on_hand - self.quantity_reserved
