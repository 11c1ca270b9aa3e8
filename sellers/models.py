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


class TeamManager(models.Manager):
    """`Membership.team`: the seller's team as its owner manages it: members and pending invitations."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class ActiveMembershipManager(TeamManager):
    """`Membership.objects`: the memberships that let a person in. A removed membership is history
    and a pending invitation is not accepted yet: neither is ever a way in. Every lookup that
    resolves what a person may see goes through this manager, so a forgotten filter cannot let a
    removed member back; `Membership.team` adds the pending invitations (the «Equipo» page) and
    `Membership.all_objects` the history too (the admin, the audit)."""

    def get_queryset(self):
        return super().get_queryset().filter(invitation_expires_at__isnull=True)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=16, choices=Role.choices, default=Role.STAFF)
    # extras an owner grants to a staff member (sellers.permissions.GRANTS names them); owners have all
    grant_appeal_penalties = models.BooleanField(_("puede apelar penalidades"), default=False)
    grant_manage_payouts = models.BooleanField(_("puede gestionar pagos"), default=False)
    grant_view_contract = models.BooleanField(_("puede ver el contrato"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitado por"),
    )
    # set while the invited person has not chosen a password yet; cleared when they do
    invitation_expires_at = models.DateTimeField(_("invitación vence"), null=True, blank=True)
    removed_at = models.DateTimeField(_("retirado el"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retirado por"),
    )

    objects = ActiveMembershipManager()
    team = TeamManager()
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")
        base_manager_name = "all_objects"
        constraints = [
            # a removed membership stays as history; the same person may be invited again later
            models.UniqueConstraint(
                fields=["user", "seller"],
                condition=Q(removed_at__isnull=True),
                name="membership_unique_live_user_seller",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True) | Q(removed_at__isnull=False),
                name="membership_removed_by_only_when_removed",
            ),
            models.CheckConstraint(
                condition=Q(role="staff")
                | Q(grant_appeal_penalties=False, grant_manage_payouts=False, grant_view_contract=False),
                name="membership_grants_only_for_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.seller} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return self.invitation_expires_at is not None


class MembershipEventKind(models.TextChoices):
    INVITED = "invited", _("Invitación enviada")
    INVITATION_RESENT = "invitation_resent", _("Invitación reenviada")
    ADDED = "added", _("Agregado al equipo")
    JOINED = "joined", _("Invitación aceptada")
    ROLE_CHANGED = "role_changed", _("Rol cambiado")
    GRANTS_CHANGED = "grants_changed", _("Permisos adicionales cambiados")
    REMOVED = "removed", _("Retirado del equipo")
    DEVICE_REVOKED = "device_revoked", _("Dispositivo revocado")


class MembershipEvent(models.Model):
    """Append-only record of every change to a seller's team: who, when, before and after."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="membership_events")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("tipo"), max_length=32, choices=MembershipEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("realizado por"),
    )
    before = models.JSONField(_("antes"), default=dict, blank=True)
    after = models.JSONField(_("después"), default=dict, blank=True)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("evento del equipo")
        verbose_name_plural = _("eventos del equipo")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.membership}"


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
