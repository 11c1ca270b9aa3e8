"""The order page's cancellation-request panel and disputes card (reads via disputes.selectors)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.selectors import latest_cancellation_request, order_disputes
from orders.models import Status

register = template.Library()


@register.simple_tag
def cancellation_request_of(order):
    """The order's latest buyer request (pending or answered), or None."""
    return latest_cancellation_request(seller=order.seller, order=order)


@register.simple_tag
def disputes_of(order):
    return order_disputes(seller=order.seller, order=order)


@register.simple_tag(takes_context=True)
def dispute_forms(context, order):
    """The forms the order page offers, with their initial values."""
    from dashboard.disputes import OpenDisputeForm, RejectRequestForm

    user = context["request"].user
    return {
        "open": OpenDisputeForm(initial={"responsible": user.get_full_name()}),
        "reject": RejectRequestForm(),
    }


@register.filter
def can_open_dispute(order) -> bool:
    # before handling the way out is "Cancelar"; a canceled order has nothing to dispute
    return order.status not in (Status.PENDING_HANDLING, Status.CANCELED)


@register.filter
def has_active(disputes) -> bool:
    return any(dispute.is_active for dispute in disputes)


@register.filter
def time_left(deadline: datetime | None, now: datetime | None = None) -> str:
    """'quedan 2 d 5 h' / 'quedan 40 min' / 'vencido' for a respond-by time."""
    if not deadline:
        return ""
    seconds = (deadline - (now or timezone.now())).total_seconds()
    if seconds <= 0:
        return _("vencido")
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("quedan %(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("quedan %(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest // 60}
    return _("quedan %(minutes)d min") % {"minutes": max(1, rest // 60)}


@register.filter
def is_urgent(deadline: datetime | None) -> bool:
    return bool(deadline) and (deadline - timezone.now()).total_seconds() < 24 * 3600
