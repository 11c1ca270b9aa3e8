"""Reads about deadlines and penalties; every one takes the seller (or an order already scoped to it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from fulfillment.models import Penalty, PenaltyRule, PenaltyStatus
from orders.models import Order, Status, awaits_payment
from orders.workflow import action_label
from sellers.models import Contract, PenaltyKind, Seller


@dataclass(frozen=True)
class RuleSpec:
    """Where one rule's deadline is stored, which order status keeps it open, and its contract terms."""

    rule: str
    open_status: str
    deadline_field: str
    action: str
    kind_field: str
    value_field: str


RULES: dict[str, RuleSpec] = {
    PenaltyRule.LATE_HANDLING: RuleSpec(
        PenaltyRule.LATE_HANDLING,
        Status.PENDING_HANDLING,
        "handling_deadline",
        "start_handling",
        "late_handling_penalty_kind",
        "late_handling_penalty_value",
    ),
    PenaltyRule.LATE_SHIPPING: RuleSpec(
        PenaltyRule.LATE_SHIPPING,
        Status.READY_TO_SHIP,
        "ship_by_deadline",
        "ship",
        "late_shipping_penalty_kind",
        "late_shipping_penalty_value",
    ),
}
RULE_BY_STATUS = {spec.open_status: spec for spec in RULES.values()}
CURRENCY_SYMBOLS = {"PEN": "S/", "USD": "US$", "EUR": "€"}
CENT = Decimal("0.01")


def contract_of(seller: Seller) -> Contract:
    """The seller's contract; one never saved means the default terms from settings."""
    try:
        return seller.contract
    except ObjectDoesNotExist:
        return Contract(seller=seller)


def penalty_amount(*, contract: Contract, rule: str, order_total: Decimal) -> Decimal:
    spec = RULES[rule]
    kind, value = getattr(contract, spec.kind_field), Decimal(getattr(contract, spec.value_field))
    if kind == PenaltyKind.PERCENT:
        # the same rounding as the sweep's SQL ROUND(total * value / 100, 2)
        return (Decimal(order_total) * value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return value.quantize(CENT)


def money(amount: Decimal, currency: str) -> str:
    """'S/ 50' or 'S/ 12.50': how sellers write it."""
    amount = Decimal(amount)
    shown = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{CURRENCY_SYMBOLS.get(currency, currency)} {shown}"


@dataclass(frozen=True)
class SlaClock:
    """The order's next deadline, what it asks for, and what missing it costs.

    A direct sale (`penalties_apply` False) has a next step but no marketplace deadline nor penalty:
    its clock says so instead («Venta directa: sin penalidad del marketplace»).
    """

    rule: str | None  # None for a direct sale: no penalty rule applies
    action: str
    deadline: datetime | None
    overdue: bool
    amount: Decimal | None
    currency: str | None
    clause: str | None
    penalties_apply: bool = True

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def penalty_text(self) -> str:
        if not self.penalties_apply:
            return no_penalty_text()
        return _("penalidad %(amount)s por cláusula %(clause)s") % {
            "amount": money(self.amount, self.currency),
            "clause": self.clause,
        }

    @property
    def when_text(self) -> str:
        if self.deadline is None:
            return ""
        local = timezone.localtime(self.deadline)
        if local.date() == timezone.localdate():
            return _("las %(time)s") % {"time": local.strftime("%H:%M")}
        return _("el %(date)s a las %(time)s") % {"date": local.strftime("%d/%m"), "time": local.strftime("%H:%M")}

    @property
    def text(self) -> str:
        if not self.penalties_apply:
            return _("%(action)s — %(no_penalty)s") % {"action": self.action_label, "no_penalty": no_penalty_text()}
        if self.overdue:
            return _("Plazo para «%(action)s» vencido (%(when)s) — %(penalty)s") % {
                "action": self.action_label,
                "when": self.when_text,
                "penalty": self.penalty_text,
            }
        local = timezone.localtime(self.deadline)
        if local.date() == timezone.localdate():
            text = _("%(action)s antes de las %(time)s — si no, %(penalty)s")
        else:  # «antes del 22/11», never «antes de el»
            text = _("%(action)s antes del %(date)s a las %(time)s — si no, %(penalty)s")
        return text % {
            "action": self.action_label,
            "date": local.strftime("%d/%m"),
            "time": local.strftime("%H:%M"),
            "penalty": self.penalty_text,
        }

    @property
    def late_preview(self) -> str:
        """What the button warns when pressed after the deadline."""
        return _("Fuera de plazo: %(penalty)s") % {"penalty": self.penalty_text}

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "action": self.action,
            "action_label": self.action_label,
            "deadline": self.deadline,
            "overdue": self.overdue,
            "penalties_apply": self.penalties_apply,
            "penalty_amount": self.amount,
            "penalty_currency": self.currency,
            "penalty_clause": self.clause,
            "text": self.text,
        }


def no_penalty_text() -> str:
    """What a direct sale's clock says instead of a penalty (translated when said)."""
    return _("Venta directa: sin penalidad del marketplace")


def sla_clock(order: Order, *, contract: Contract | None = None, now: datetime | None = None) -> SlaClock | None:
    """The clock of an order whose deadline is still open ("Para manejo", "Para envío"); None otherwise.

    Pass `contract` (or load the order with `select_related("seller__contract")`) to read it
    without a query per order. A direct sale's clock names the next step and says no penalty applies.
    """
    spec = RULE_BY_STATUS.get(order.status)
    if spec is None or awaits_payment(order):
        # an unpaid prepaid order: the handling clock starts when it is paid (payments resets the deadline)
        return None
    if not order.penalties_apply:
        return SlaClock(
            rule=None,
            action=spec.action,
            deadline=None,
            overdue=False,
            amount=None,
            currency=None,
            clause=None,
            penalties_apply=False,
        )
    deadline = getattr(order, spec.deadline_field)
    if deadline is None:
        return None
    contract = contract or contract_of(order.seller)
    return SlaClock(
        rule=spec.rule,
        action=spec.action,
        deadline=deadline,
        overdue=deadline < (now or timezone.now()),
        amount=penalty_amount(contract=contract, rule=spec.rule, order_total=order.total),
        currency=contract.penalty_currency,
        clause=contract.penalty_clause,
    )


# --- penalties ----------------------------------------------------------------------------------


def _day_start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def penalty_list(
    *,
    seller: Seller,
    status: str | None = None,
    rule: str | None = None,
    raised_after: date | datetime | None = None,
    raised_before: date | datetime | None = None,
) -> QuerySet[Penalty]:
    """The seller's penalties, newest first; `raised_before` a date includes that whole day."""
    penalties = Penalty.objects.filter(seller=seller).select_related("order").order_by("-raised_at", "-id")
    if status:
        penalties = penalties.filter(status=status)
    if rule:
        penalties = penalties.filter(rule=rule)
    if raised_after:
        penalties = penalties.filter(raised_at__gte=_day_start(raised_after))
    if raised_before:
        end = _day_start(raised_before)
        if not isinstance(raised_before, datetime):
            end += timezone.timedelta(days=1)
        penalties = penalties.filter(raised_at__lt=end)
    return penalties


def penalty_totals_by_month(penalties: QuerySet[Penalty]) -> list[dict]:
    """Per month and currency: how many, what is owed (raised or under appeal) and what was waived."""
    owed = Q(status__in=[PenaltyStatus.RAISED, PenaltyStatus.APPEALED])
    rows = (
        penalties.order_by()
        .annotate(month=TruncMonth("raised_at"))
        .values("month", "currency")
        .annotate(
            count=Count("id"),
            owed=Sum("amount", filter=owed, default=Decimal("0")),
            waived=Sum("amount", filter=Q(status=PenaltyStatus.WAIVED), default=Decimal("0")),
        )
        .order_by("-month", "currency")
    )
    return list(rows)


def penalty_of(*, seller: Seller, penalty_id) -> Penalty:
    try:
        penalty_id = int(penalty_id)
    except (TypeError, ValueError):
        raise NotFound(_("Penalidad no encontrada.")) from None
    penalty = Penalty.objects.filter(seller=seller, pk=penalty_id).select_related("order").first()
    if penalty is None:
        raise NotFound(_("Penalidad no encontrada."))
    return penalty


def order_penalties(*, seller: Seller, order: Order) -> list[Penalty]:
    return list(Penalty.objects.filter(seller=seller, order=order).order_by("raised_at", "id"))
