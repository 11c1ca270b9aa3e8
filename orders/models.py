import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sellers.models import LogisticsMode, MarketplaceSite, Seller


class Status(models.TextChoices):
    PENDING_HANDLING = "pending_handling", _("Para manejo")
    READY_TO_SHIP = "ready_to_ship", _("Para envío")
    SHIPPED = "shipped", _("Enviada")
    DELIVERED = "delivered", _("Entregada")
    CANCELED = "canceled", _("Cancelada")
    RETURNED = "returned", _("Devuelta al vendedor")


class HoldReason(models.TextChoices):
    CANCELLATION_REQUEST = "cancellation_request", _("solicitud de cancelación del comprador")


class DocumentType(models.TextChoices):
    DNI = "dni", _("DNI")
    CE = "ce", _("Carné de extranjería")
    RUC = "ruc", _("RUC")
    PASSPORT = "passport", _("Pasaporte")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Tarjeta")
    BANK_TRANSFER = "bank_transfer", _("Transferencia bancaria")
    WALLET = "wallet", _("Billetera digital")
    CASH_ON_DELIVERY = "cash_on_delivery", _("Pago contra entrega")
    # money in hand at the seller's counter (direct sales); collected like cash on delivery
    CASH = "cash", _("Efectivo")
    PAYMENT_LINK = "payment_link", _("Link de pago")

    @classmethod
    def prepaid(cls) -> set[str]:
        """Methods whose money must arrive before the seller may start handling."""
        return {cls.CARD, cls.BANK_TRANSFER, cls.WALLET, cls.PAYMENT_LINK}

    @classmethod
    def manual(cls) -> set[str]:
        """Money that reaches the seller outside the marketplace: the seller registers it («Registrar pago»)."""
        return {cls.BANK_TRANSFER, cls.PAYMENT_LINK, cls.CASH_ON_DELIVERY, cls.CASH}

    @classmethod
    def collected_on_delivery(cls) -> set[str]:
        """Cash the seller collects when handing over the parcel («Entregar» asks how much)."""
        return {cls.CASH_ON_DELIVERY, cls.CASH}

    @classmethod
    def with_payment_window(cls) -> set[str]:
        """Prepaid methods the buyer pays by hand: unpaid past the contract's window, the order is canceled."""
        return {cls.BANK_TRANSFER, cls.PAYMENT_LINK}


class PaymentStatus(models.TextChoices):
    """A copy of what payments.ledger.payment_status_of() derives from the ledger; written by payments alone."""

    PENDING = "pending", _("Pendiente")
    PARTIALLY_PAID = "partially_paid", _("Pagado parcialmente")
    PAID = "paid", _("Pagado")
    PARTIALLY_REFUNDED = "partially_refunded", _("Reembolsado parcialmente")
    REFUNDED = "refunded", _("Reembolsado")
    EXPIRED = "expired", _("Vencido")


def awaits_payment(order: "Order") -> bool:
    """The one rule: a prepaid order not (yet) fully paid cannot be handled, and its handling clock is stopped.

    AWAITS_PAYMENT_SQL and awaits_payment_q() say the same for the sweep's SQL and for querysets.
    """
    return (
        order.status == Status.PENDING_HANDLING
        and order.payment_method in PaymentMethod.prepaid()
        and order.payment_status != PaymentStatus.PAID
    )


def awaits_payment_q(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": Status.PENDING_HANDLING,
            f"{prefix}payment_method__in": sorted(PaymentMethod.prepaid()),
        }
    ) & ~Q(**{f"{prefix}payment_status": PaymentStatus.PAID})


# for raw SQL over orders_order aliased `o` (the deadline sweep)
AWAITS_PAYMENT_SQL = (
    "(o.status = 'pending_handling' AND o.payment_method IN ({methods}) AND o.payment_status <> 'paid')".format(
        methods=", ".join(f"'{method}'" for method in sorted(PaymentMethod.prepaid()))
    )
)


class Channel(models.TextChoices):
    """Where the sale was made: the marketplace's feed, or the seller itself (phone, store)."""

    MARKETPLACE = "marketplace", _("Marketplace")
    DIRECT = "direct", _("Venta directa")

    @classmethod
    def penalized(cls) -> tuple[str, ...]:
        """Channels whose orders answer to the marketplace's contract: its deadlines, warnings and penalties.

        The one home of that rule: `Order.penalties_apply`, `PENALTIES_APPLY` (querysets) and
        `penalties_apply_sql()` (the sweep's SQL) all read it.
        """
        return (cls.MARKETPLACE,)


# the same rule for querysets and for raw SQL over orders_order
PENALTIES_APPLY = Q(channel__in=Channel.penalized())


def penalties_apply_sql(alias: str) -> str:
    # the channel codes are constants of this module, never input
    return "{alias}.channel IN ({codes})".format(
        alias=alias, codes=", ".join(f"'{code}'" for code in Channel.penalized())
    )


class DeliveryMethod(models.TextChoices):
    HOME_DELIVERY = "home_delivery", _("Despacho a domicilio")
    PICKUP_POINT = "pickup_point", _("Retiro en punto de recojo")


class Order(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="orders")
    # a direct sale (channel «Venta directa») happens on no site of the marketplace
    site = models.ForeignKey(MarketplaceSite, on_delete=models.PROTECT, related_name="orders", null=True, blank=True)
    channel = models.CharField(
        _("canal"),
        max_length=16,
        choices=Channel.choices,
        default=Channel.MARKETPLACE,
        db_default=Channel.MARKETPLACE,
    )
    number = models.CharField(_("número"), max_length=40)
    external_id = models.CharField(_("id externo"), max_length=80)
    placed_at = models.DateTimeField(_("fecha de compra"))

    buyer_full_name = models.CharField(_("nombre del comprador"), max_length=200)
    buyer_document_type = models.CharField(
        _("tipo de documento"), max_length=16, choices=DocumentType.choices, default=DocumentType.DNI
    )
    buyer_document_number = models.CharField(_("número de documento"), max_length=20)
    buyer_phone = models.CharField(_("teléfono"), max_length=30, blank=True)
    buyer_email = models.EmailField(_("correo"), blank=True)

    delivery_method = models.CharField(
        _("tipo de entrega"),
        max_length=20,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.HOME_DELIVERY,
    )
    shipping_address = models.CharField(_("dirección"), max_length=300, blank=True)
    shipping_district = models.CharField(_("distrito"), max_length=100, blank=True)
    shipping_city = models.CharField(_("ciudad"), max_length=100, blank=True)
    shipping_region = models.CharField(_("región"), max_length=100, blank=True)
    shipping_reference = models.CharField(_("referencia"), max_length=300, blank=True)
    pickup_point_name = models.CharField(_("punto de recojo"), max_length=200, blank=True)

    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2)
    shipping_total = models.DecimalField(_("costo de envío"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("moneda"), max_length=3, default="PEN")
    payment_method = models.CharField(
        _("forma de pago"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.CARD
    )
    # written by payments alone, from the ledger, in the transaction of each ledger row
    payment_status = models.CharField(
        _("estado del pago"),
        max_length=20,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PAID,
    )
    logistics_mode = models.CharField(
        _("modalidad logística"),
        max_length=32,
        choices=LogisticsMode.choices,
        default=LogisticsMode.OWN_COURIER,
    )

    # Written by orders.workflow alone.
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.PENDING_HANDLING)
    handling_deadline = models.DateTimeField(_("plazo para iniciar manejo"))
    ship_by_deadline = models.DateTimeField(_("plazo para enviar"), null=True, blank=True)
    handling_started_at = models.DateTimeField(_("manejo iniciado"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("enviada"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("entregada"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("cancelada"), null=True, blank=True)
    returned_at = models.DateTimeField(_("devuelta"), null=True, blank=True)
    # set while something else must be settled first (a buyer's cancellation request):
    # the seller's actions that would conflict wait; written by services, read by the workflow
    on_hold_reason = models.CharField(
        _("en espera por"), max_length=40, choices=HoldReason.choices, blank=True, default=""
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("orden")
        verbose_name_plural = _("órdenes")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="order_unique_site_number"),
            # a direct sale has no site: its number (V-000123) is unique within the seller instead
            models.UniqueConstraint(
                fields=["seller", "number"],
                condition=Q(channel="direct"),
                name="order_unique_direct_seller_number",
            ),
            models.CheckConstraint(
                condition=(Q(channel="marketplace") & Q(site__isnull=False))
                | (Q(channel="direct") & Q(site__isnull=True)),
                name="order_site_matches_channel",
            ),
            # the marketplace feed may resend an order: this makes intake idempotent
            models.UniqueConstraint(fields=["site", "external_id"], name="order_unique_site_external_id"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="order_status_valid"),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(shipping_total__gte=0) & Q(total__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(buyer_document_type=DocumentType.DNI) | Q(buyer_document_number__regex=r"^[0-9]{8}$"),
                name="order_dni_is_8_digits",
            ),
            models.CheckConstraint(
                condition=~Q(buyer_document_type=DocumentType.RUC) | Q(buyer_document_number__regex=r"^[0-9]{11}$"),
                name="order_ruc_is_11_digits",
            ),
            models.CheckConstraint(
                condition=Q(handling_deadline__gte=F("placed_at")),
                name="order_handling_deadline_after_placed",
            ),
        ]
        indexes = [
            # the order list: a seller's orders, newest first, optionally by status
            models.Index(fields=["seller", "-placed_at", "-id"], name="order_seller_placed_idx"),
            models.Index(fields=["seller", "status", "-placed_at", "-id"], name="order_seller_status_placed_idx"),
            models.Index(fields=["seller", "number"], name="order_seller_number_idx"),
            # the list's channel filter (?channel=direct): a seller's few direct sales among many
            models.Index(fields=["seller", "channel", "-placed_at", "-id"], name="order_seller_channel_idx"),
            # the deadline sweep reads only pending orders, by deadline
            models.Index(
                fields=["handling_deadline"],
                name="order_pending_deadline_idx",
                condition=Q(status="pending_handling"),
            ),
            models.Index(
                fields=["ship_by_deadline"],
                name="order_ship_by_deadline_idx",
                condition=Q(status="ready_to_ship"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def penalties_apply(self) -> bool:
        """Whether the marketplace's deadlines and penalties bind this order (not a direct sale)."""
        return self.channel in Channel.penalized()

    @property
    def origin_label(self) -> str:
        """Where it was sold: the marketplace site's name, or «Venta directa»."""
        return self.site.name if self.site_id else str(Channel(self.channel).label)

    @property
    def buyer_document_display(self) -> str:
        return f"{self.get_buyer_document_type_display()} {self.buyer_document_number}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("producto"), max_length=200)
    quantity = models.PositiveIntegerField(_("cantidad"))
    unit_price = models.DecimalField(_("precio unitario"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("línea de orden")
        verbose_name_plural = _("líneas de orden")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderline_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class OrderEvent(models.Model):
    """Append-only history of an order: nothing updates or deletes a row once written."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("evento"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    from_status = models.CharField(_("desde"), max_length=20, blank=True)
    to_status = models.CharField(_("hacia"), max_length=20, blank=True)
    payload = models.JSONField(_("datos"), default=dict, blank=True)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("evento de orden")
        verbose_name_plural = _("eventos de orden")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="orderevent_order_created_idx")]

    def __str__(self) -> str:
        return f"{self.order} {self.kind}"


def hash_credential(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class IntegrationCredential(models.Model):
    """The marketplace feed's key for the intake API; only its SHA-256 is kept."""

    name = models.CharField(_("nombre"), max_length=100)
    key_prefix = models.CharField(max_length=8, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    sites = models.ManyToManyField(MarketplaceSite, blank=True, verbose_name=_("sitios"))
    is_active = models.BooleanField(_("activa"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("credencial de integración")
        verbose_name_plural = _("credenciales de integración")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def issue(cls, *, name: str, raw_key: str | None = None) -> tuple["IntegrationCredential", str]:
        raw_key = raw_key or f"int_{secrets.token_urlsafe(32)}"
        credential = cls.objects.create(name=name, key_prefix=raw_key[:8], key_digest=hash_credential(raw_key))
        return credential, raw_key


class DirectOrderSequence(models.Model):
    """The last number given to a seller's direct sales (V-000001, V-000002, …).

    Taken by one upsert in the transaction that creates the order (orders.services.next_direct_number):
    concurrent sales of a seller queue on this row, and a rolled-back sale gives its number back.
    """

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("numeración de ventas directas")
        verbose_name_plural = _("numeraciones de ventas directas")

    def __str__(self) -> str:
        return f"{self.seller_id}: {self.last_number}"


class OrderStatusCount(models.Model):
    """How many orders each seller has per status, kept by database triggers on orders_order.

    The dashboard's tabs read five numbers here instead of counting 100,000 rows per page view;
    triggers (migration 0002) keep it exact whatever writes the orders, the workflow or raw SQL.
    """

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("conteo por estado")
        verbose_name_plural = _("conteos por estado")
        constraints = [
            models.UniqueConstraint(fields=["seller", "status"], name="statuscount_unique_seller_status"),
            models.CheckConstraint(condition=Q(count__gte=0), name="statuscount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.status}: {self.count}"
