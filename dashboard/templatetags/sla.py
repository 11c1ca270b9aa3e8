"""Template tags for deadlines: the SLA clock and an order's penalties (reads via fulfillment.selectors)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from dashboard.templatetags.dashboard import format_money
from fulfillment.selectors import SlaClock, order_penalties, sla_clock

register = template.Library()


class PageClock:
    """An SlaClock as the dashboard says it: its amounts written like the rest of the page ("S/ 53.88")."""

    def __init__(self, clock: SlaClock):
        self._clock = clock

    def __getattr__(self, name: str):
        return getattr(self._clock, name)

    @property
    def penalty_text(self) -> str:
        # the selector's sentence with the amount localised; its `text` and `late_preview` read it from here
        if not self._clock.penalties_apply:
            return self._clock.penalty_text
        return _("penalidad %(amount)s por cláusula %(clause)s") % {
            "amount": format_money(self._clock.amount, self._clock.currency, short=True),
            "clause": self._clock.clause,
        }

    @property
    def text(self) -> str:
        return SlaClock.text.fget(self)

    @property
    def late_preview(self) -> str:
        return SlaClock.late_preview.fget(self)


@register.simple_tag
def order_sla_clock(order):
    clock = sla_clock(order)
    return PageClock(clock) if clock else None


@register.simple_tag
def penalties_of(order):
    return order_penalties(seller=order.seller, order=order)
