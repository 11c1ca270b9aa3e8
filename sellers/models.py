from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class LogisticsMode(models.TextChoices):
    OWN_COURIER = "own_courier", _("Courier propia / dropshipping")
    MARKETPLACE_COURIER = "marketplace_courier", _("Courier del marketplace")


class MarketplaceSite(models.Model):
    """A storefront of the marketplace where sales happen (e.g. one per brand or country)."""

    code = models.SlugField(_("código"), max_length=32, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    domain = models.CharField(_("dominio"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sitio del marketplace")
        verbose_name_plural = _("sitios del marketplace")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Seller(models.Model):
    """The tenant: every order, stock item and notification belongs to one seller."""

    name = models.CharField(_("nombre"), max_length=200)
    tax_id = models.CharField(_("RUC"), max_length=11, unique=True, help_text=_("11 dígitos"))
    logistics_mode = models.CharField(
        _("modalidad logística"),
        max_length=32,
        choices=LogisticsMode.choices,
        default=LogisticsMode.OWN_COURIER,
    )
    notification_email = models.EmailField(_("correo de notificaciones"), blank=True)
    is_active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(tax_id__regex=r"^[0-9]{11}$"), name="seller_tax_id_is_11_digits"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Propietario")
    STAFF = "staff", _("Personal")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")
        constraints = [
            models.UniqueConstraint(fields=["user", "seller"], name="membership_unique_user_seller"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.seller} ({self.get_role_display()})"


def contract_default(name: str):
    """Contract defaults come from settings.CONTRACT_DEFAULTS, so a marketplace sets its own terms."""

    def default():
        return settings.CONTRACT_DEFAULTS[name]

    default.__name__ = f"default_{name}"
    default.__qualname__ = default.__name__
    return default


# named module-level callables: migrations serialise defaults by import path
default_handling_window = contract_default("handling_window")
default_ship_by_window = contract_default("ship_by_window")
default_warning_lead_time = contract_default("warning_lead_time")
default_late_handling_penalty_kind = contract_default("late_handling_penalty_kind")
default_late_handling_penalty_value = contract_default("late_handling_penalty_value")
default_late_shipping_penalty_kind = contract_default("late_shipping_penalty_kind")
default_late_shipping_penalty_value = contract_default("late_shipping_penalty_value")
default_penalty_currency = contract_default("penalty_currency")
default_penalty_clause = contract_default("penalty_clause")
default_max_delivery_attempts = contract_default("max_delivery_attempts")
default_payment_window = contract_default("payment_window")


class PenaltyKind(models.TextChoices):
    FIXED = "fixed", _("Monto fijo")
    PERCENT = "percent", _("Porcentaje del total de la orden")


class Contract(models.Model):
    """The seller's terms with the marketplace: how long it has to act, and what missing it costs."""

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, related_name="contract")
    handling_window = models.DurationField(_("plazo para iniciar manejo"), default=default_handling_window)
    ship_by_window = models.DurationField(
        _("plazo para enviar (desde el inicio del manejo)"), default=default_ship_by_window
    )
    warning_lead_time = models.DurationField(_("aviso previo al vencimiento"), default=default_warning_lead_time)
    late_handling_penalty_kind = models.CharField(
        _("tipo de penalidad por manejo tardío"),
        max_length=10,
        choices=PenaltyKind.choices,
        default=default_late_handling_penalty_kind,
    )
    late_handling_penalty_value = models.DecimalField(
        _("penalidad por manejo tardío"),
        max_digits=12,
        decimal_places=2,
        default=default_late_handling_penalty_value,
        help_text=_("Monto en la moneda de penalidades, o porcentaje del total de la orden."),
    )
    late_shipping_penalty_kind = models.CharField(
        _("tipo de penalidad por envío tardío"),
        max_length=10,
        choices=PenaltyKind.choices,
        default=default_late_shipping_penalty_kind,
    )
    late_shipping_penalty_value = models.DecimalField(
        _("penalidad por envío tardío"),
        max_digits=12,
        decimal_places=2,
        default=default_late_shipping_penalty_value,
        help_text=_("Monto en la moneda de penalidades, o porcentaje del total de la orden."),
    )
    penalty_currency = models.CharField(_("moneda de penalidades"), max_length=3, default=default_penalty_currency)
    penalty_clause = models.CharField(_("cláusula"), max_length=32, default=default_penalty_clause)
    max_delivery_attempts = models.PositiveSmallIntegerField(
        _("intentos de entrega antes de devolver"), default=default_max_delivery_attempts
    )
    payment_window = models.DurationField(
        _("plazo de pago (transferencia, link de pago)"),
        default=default_payment_window,
        help_text=_("Una orden sin pagar pasado este plazo desde la compra se cancela: «Pago no recibido»."),
    )
    signed_at = models.DateField(_("firmado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("contrato")
        verbose_name_plural = _("contratos")
        constraints = [
            models.CheckConstraint(
                condition=Q(handling_window__gt=timedelta(0)), name="contract_handling_window_positive"
            ),
            models.CheckConstraint(condition=Q(ship_by_window__gt=timedelta(0)), name="contract_ship_by_positive"),
            models.CheckConstraint(
                condition=Q(warning_lead_time__gte=timedelta(0)), name="contract_warning_lead_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(late_handling_penalty_value__gte=0) & Q(late_shipping_penalty_value__gte=0),
                name="contract_penalty_not_negative",
            ),
            models.CheckConstraint(
                condition=(~Q(late_handling_penalty_kind="percent") | Q(late_handling_penalty_value__lte=100))
                & (~Q(late_shipping_penalty_kind="percent") | Q(late_shipping_penalty_value__lte=100)),
                name="contract_percent_penalty_at_most_100",
            ),
            models.CheckConstraint(condition=Q(max_delivery_attempts__gte=1), name="contract_attempts_at_least_1"),
            models.CheckConstraint(
                condition=Q(payment_window__gt=timedelta(0)), name="contract_payment_window_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Contrato')} {self.seller}"


class DeviceToken(AbstractAuthToken):
    """A mobile device's API token (knox stores only its digest), named so a user can revoke it."""

    device_name = models.CharField(_("dispositivo"), max_length=100)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token de dispositivo")
        verbose_name_plural = _("tokens de dispositivo")
