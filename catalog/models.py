from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellers.models import Seller


class StockItem(models.Model):
    """One SKU of a seller: what is on hand, and how much of it open orders already hold."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="stock_items")
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("nombre"), max_length=200)
    quantity_on_hand = models.PositiveIntegerField(_("stock físico"), default=0)
    quantity_reserved = models.PositiveIntegerField(_("reservado"), default=0)
    # "stock bajo" when available <= this; empty: settings.STOCK_LOW_THRESHOLD
    low_stock_threshold = models.PositiveIntegerField(_("umbral de stock bajo"), null=True, blank=True)
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

    @property
    def threshold(self) -> int:
        return self.low_stock_threshold if self.low_stock_threshold is not None else settings.STOCK_LOW_THRESHOLD


class MovementReason(models.TextChoices):
    OPENING = "opening", _("Alta de SKU")
    MANUAL = "manual", _("Ajuste manual")
    BULK = "bulk", _("Carga masiva")
    RESERVATION = "reservation", _("Reserva por orden")
    RELEASE = "release", _("Liberación")
    SHIPMENT = "shipment", _("Envío")
    RETURN = "return", _("Devolución")


class ActorKind(models.TextChoices):
    MEMBER = "member", _("Miembro del seller")
    OPERATOR = "operator", _("Operador del marketplace")
    FEED = "feed", _("Feed del marketplace")
    SYSTEM = "system", _("Sistema")


class StockMovement(models.Model):
    """One change of a SKU's quantities: append-only (on PostgreSQL a trigger refuses UPDATE and DELETE).

    For every SKU, the sums of `delta_on_hand` and `delta_reserved` over its movements are its
    `quantity_on_hand` and `quantity_reserved`; `*_after` are the quantities right after this change.
    """

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    stock_item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="movements")
    reason = models.CharField(_("motivo"), max_length=16, choices=MovementReason.choices)
    delta_on_hand = models.IntegerField(_("variación de stock físico"), default=0)
    delta_reserved = models.IntegerField(_("variación de reservado"), default=0)
    on_hand_after = models.PositiveIntegerField(_("stock físico resultante"))
    reserved_after = models.PositiveIntegerField(_("reservado resultante"))
    actor_kind = models.CharField(_("quién"), max_length=10, choices=ActorKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    # the only upward link of catalog: by name, so no catalog module imports orders
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    upload = models.ForeignKey("StockUpload", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)

    class Meta:
        verbose_name = _("movimiento de stock")
        verbose_name_plural = _("movimientos de stock")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=MovementReason.values), name="movement_reason_valid"),
            models.CheckConstraint(condition=Q(actor_kind__in=ActorKind.values), name="movement_actor_kind_valid"),
            # a person is named exactly when a person acted
            models.CheckConstraint(
                condition=Q(actor_kind__in=[ActorKind.MEMBER, ActorKind.OPERATOR], actor__isnull=False)
                | Q(actor_kind__in=[ActorKind.FEED, ActorKind.SYSTEM], actor__isnull=True),
                name="movement_actor_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(reserved_after__lte=F("on_hand_after")), name="movement_reserved_within_on_hand"
            ),
        ]
        indexes = [models.Index(fields=["stock_item", "-created_at", "-id"], name="movement_item_created_idx")]

    def __str__(self) -> str:
        return f"{self.stock_item_id} {self.reason} {self.delta_on_hand:+d}/{self.delta_reserved:+d}"


class UploadStatus(models.TextChoices):
    PREVIEW = "preview", _("Por confirmar")
    APPLIED = "applied", _("Aplicada")


class StockUpload(models.Model):
    """A bulk stock update (a CSV/XLSX file, or one API call): its parsed rows wait here, scoped to the
    seller, between the preview and the confirmation; applying it is once only."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("archivo"), max_length=255, blank=True)
    row_count = models.PositiveIntegerField(_("filas"), default=0)
    error_count = models.PositiveIntegerField(_("filas con errores"), default=0)
    status = models.CharField(_("estado"), max_length=10, choices=UploadStatus.choices, default=UploadStatus.PREVIEW)
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)
    applied_at = models.DateTimeField(_("aplicada el"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("carga masiva de stock")
        verbose_name_plural = _("cargas masivas de stock")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=UploadStatus.APPLIED) | Q(applied_at__isnull=False, error_count=0),
                name="stockupload_applied_has_time_and_no_errors",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename or self.pk} ({self.row_count})"


class StockUploadRow(models.Model):
    """One parsed line of an upload: what it asks, or why it cannot be applied."""

    upload = models.ForeignKey(StockUpload, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("fila"))
    sku = models.CharField(_("SKU"), max_length=255, blank=True)
    quantity = models.IntegerField(_("cantidad"), null=True, blank=True)
    name = models.CharField(_("nombre"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fila de carga masiva")
        verbose_name_plural = _("filas de carga masiva")
        constraints = [models.UniqueConstraint(fields=["upload", "line"], name="stockuploadrow_unique_line")]
        indexes = [models.Index(fields=["upload", "sku"], name="stockuploadrow_upload_sku_idx")]

    def __str__(self) -> str:
        return f"{self.line}: {self.sku} {self.quantity}"
