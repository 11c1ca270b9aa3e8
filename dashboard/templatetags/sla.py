"""Template tags for deadlines: the SLA clock and an order's penalties (reads via fulfillment.selectors)."""

from __future__ import annotations

from django import template

from fulfillment.selectors import order_penalties, sla_clock

register = template.Library()


@register.simple_tag
def order_sla_clock(order):
    return sla_clock(order)


@register.simple_tag
def penalties_of(order):
    return order_penalties(seller=order.seller, order=order)
