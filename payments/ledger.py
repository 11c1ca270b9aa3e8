"""The one place the order's payment status comes from: the ledger rows (and whether the order
was canceled for want of payment). Pure functions; payments.services stores the result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from orders.models import PaymentStatus
from payments.models import Kind

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    received: Decimal  # confirmed payments, less reversed ones
    refunded: Decimal  # confirmed refunds, less reversed ones

    @property
    def net(self) -> Decimal:
        return self.received - self.refunded


def totals_of(rows: Iterable) -> Totals:
    """`rows`: the order's Payment rows (any order). Failed rows have effect 0 and count for nothing."""
    rows = list(rows)
    kind_of = {row.pk: row.kind for row in rows}
    received = refunded = ZERO
    for row in rows:
        kind = kind_of.get(row.reverses_id, Kind.PAYMENT) if row.kind == Kind.REVERSAL else row.kind
        if kind == Kind.PAYMENT:
            received += row.effect
        else:  # a refund's effect is negative; reversing one gives money back to the received side
            refunded -= row.effect
    return Totals(received=received, refunded=refunded)


def payment_status_of(*, total: Decimal, totals: Totals, expired: bool = False) -> str:
    """pendiente, pagado parcialmente, pagado, reembolsado parcialmente, reembolsado or vencido."""
    if totals.refunded > 0:
        return PaymentStatus.REFUNDED if totals.net <= 0 else PaymentStatus.PARTIALLY_REFUNDED
    if totals.received >= total and totals.received > 0:
        return PaymentStatus.PAID
    if totals.received > 0:
        return PaymentStatus.PARTIALLY_PAID
    if total == 0:
        return PaymentStatus.PAID  # nothing to pay
    return PaymentStatus.EXPIRED if expired else PaymentStatus.PENDING


def balance_of(*, total: Decimal, totals: Totals) -> Decimal:
    """What is still to be received (never negative)."""
    return max(total - totals.received, ZERO)
