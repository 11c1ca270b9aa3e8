from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from fulfillment.selectors import CURRENCY_SYMBOLS
from orders.models import Status, awaits_payment
from orders.workflow import event_label

register = template.Library()


def format_money(amount, currency: str = "PEN", *, short: bool = False) -> str:
    """'S/ 1,538.80': the currency's symbol and the language's separators (Peru's in Spanish, see formats/).

    `short` drops the cents of a whole amount ('S/ 50'), as sellers write it in a sentence.
    """
    if amount is None or amount == "":
        return ""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return str(amount)
    places = 0 if short and amount == amount.to_integral_value() else 2
    shown = number_format(amount, places, use_l10n=True, force_grouping=True)
    return f"{CURRENCY_SYMBOLS.get(currency, currency)} {shown}"


@register.filter
def money(amount, currency: str = "PEN") -> str:
    """{{ order.total|money:order.currency }}: one way to write money on every dashboard page."""
    return format_money(amount, currency)


@register.filter
def handling_due(order, now: datetime | None = None) -> str:
    """'vence en 3 h' / 'vencido' for an order still waiting for "Iniciar manejo"; '' otherwise."""
    if getattr(order, "status", None) != Status.PENDING_HANDLING or not order.handling_deadline:
        return ""
    if not order.penalties_apply:  # a direct sale: no marketplace deadline to count down
        return ""
    if awaits_payment(order):  # the handling clock starts once it is paid
        return _("esperando pago")
    left = order.handling_deadline - (now or timezone.now())
    seconds = left.total_seconds()
    if seconds <= 0:
        return _("vencido")
    if seconds < 3600:
        return _("vence en %(minutes)d min") % {"minutes": max(1, int(seconds // 60))}
    if seconds < 48 * 3600:
        return _("vence en %(hours)d h") % {"hours": int(seconds // 3600)}
    return _("vence en %(days)d d") % {"days": int(seconds // 86400)}


@register.filter
def is_overdue(order) -> bool:
    return (
        order.status == Status.PENDING_HANDLING
        and order.penalties_apply
        and not awaits_payment(order)
        and order.handling_deadline <= timezone.now()
    )


@register.filter
def status_label(code: str) -> str:
    try:
        return Status(code).label
    except ValueError:
        return code or ""


@register.filter
def event_actor(label: str) -> str:
    """'por el sistema' for what no person did (events store "system"), else 'por Ana Pérez'."""
    if label == "system":
        return _("por el sistema")
    return _("por %(actor)s") % {"actor": label or "—"}


register.filter("event_label", event_label)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None drops one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
