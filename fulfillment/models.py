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


class ReservationQuerySet(models.QuerySet):
    def held(self):
        """Still holding units: neither released (canceled before shipping) nor shipped."""
        return self.filter(released_at__isnull=True, shipped_at__isnull=True)


class StockReservation(models.Model):
    """Units of a SKU held for an order from "Iniciar manejo" on."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="stock_reservations")
    stock_item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    # held -> released (canceled before shipping) or shipped (units left the warehouse) -> restocked (returned)
    released_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    restocked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reserva de stock")
        verbose_name_plural = _("reservas de stock")
        constraints = [
            # one reservation per order and SKU, however often "Iniciar manejo" is pressed
            models.UniqueConstraint(fields=["order", "stock_item"], name="reservation_unique_order_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(shipped_at__isnull=True),
                name="reservation_released_or_shipped",
            ),
            models.CheckConstraint(
                condition=Q(restocked_at__isnull=True) | Q(shipped_at__isnull=False),
                name="reservation_restock_after_ship",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.stock_item.sku} x{self.quantity}"


class PenaltyRule(models.TextChoices):
    """Which deadline was missed; each rule takes its terms from the seller's Contract."""

    LATE_HANDLING = "late_handling", _("Inicio de manejo fuera de plazo")
    LATE_SHIPPING = "late_shipping", _("Envío fuera de plazo")


class PenaltyStatus(models.TextChoices):
    RAISED = "raised", _("Aplicada")
    WAIVED = "waived", _("Condonada")
    APPEALED = "appealed", _("Apelada")


class Penalty(models.Model):
    """A contract penalty for one missed deadline of one order.

    Raised by the deadline sweep (fulfillment.deadlines) or by a late "Iniciar manejo" /
    "Realizar envío", whichever comes first: the unique (order, rule) makes it exactly once.
    The terms (amount, currency, clause) are copied from the Contract at raise time, so a later
    change of contract does not rewrite history.
    """

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="penalties")
    rule = models.CharField(_("regla"), max_length=20, choices=PenaltyRule.choices)
    clause = models.CharField(_("cláusula"), max_length=32)
    deadline = models.DateTimeField(_("plazo incumplido"))
    amount = models.DecimalField(_("monto"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("moneda"), max_length=3)
    raised_at = models.DateTimeField(_("aplicada el"))
    status = models.CharField(_("estado"), max_length=10, choices=PenaltyStatus.choices, default=PenaltyStatus.RAISED)
    waived_at = models.DateTimeField(_("condonada el"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waive_reason = models.TextField(_("motivo de la condonación"), blank=True, default="")
    appealed_at = models.DateTimeField(_("apelada el"), null=True, blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal_text = models.TextField(_("texto de la apelación"), blank=True, default="")

    class Meta:
        verbose_name = _("penalidad")
        verbose_name_plural = _("penalidades")
        ordering = ["-raised_at", "-id"]
        constraints = [
            # the sweep may run twice at once, beat may fire twice, the seller may act late while
            # the sweep runs: this is the only guard, and it is enough
            models.UniqueConstraint(fields=["order", "rule"], name="penalty_unique_order_rule"),
            models.CheckConstraint(condition=Q(rule__in=PenaltyRule.values), name="penalty_rule_valid"),
            models.CheckConstraint(condition=Q(status__in=PenaltyStatus.values), name="penalty_status_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="penalty_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status=PenaltyStatus.WAIVED) | (Q(waived_at__isnull=False) & ~Q(waive_reason="")),
                name="penalty_waived_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=PenaltyStatus.APPEALED) | (Q(appealed_at__isnull=False) & ~Q(appeal_text="")),
                name="penalty_appealed_has_text",
            ),
        ]
        indexes = [
            # the seller's penalties page: newest first, optionally by status
            models.Index(fields=["seller", "-raised_at", "-id"], name="penalty_seller_raised_idx"),
            models.Index(fields=["seller", "status", "-raised_at"], name="penalty_seller_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.get_rule_display()} {self.currency} {self.amount}"


class DeadlineWarning(models.Model):
    """Proof that the members were warned of one deadline of one order: at most one per (order, rule)."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="deadline_warnings")
    rule = models.CharField(_("regla"), max_length=20, choices=PenaltyRule.choices)
    deadline = models.DateTimeField(_("plazo"))
    sent_at = models.DateTimeField(_("enviado el"))

    class Meta:
        verbose_name = _("aviso de vencimiento")
        verbose_name_plural = _("avisos de vencimiento")
        constraints = [
            models.UniqueConstraint(fields=["order", "rule"], name="deadlinewarning_unique_order_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.rule} {self.deadline:%Y-%m-%d %H:%M}"
