"""Reads of the payments ledger, always scoped to a seller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from orders.models import Channel, Order, PaymentMethod, Status
from payments.ledger import Totals, balance_of, totals_of
from payments.models import Payment
from sellers.models import Contract, Seller


def _start_of(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def ledger(
    *,
    seller: Seller,
    method: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> QuerySet[Payment]:
    """The seller's ledger, newest first; `until` a date includes that whole day."""
    rows = Payment.objects.filter(seller=seller).select_related("order").order_by("-created_at", "-id")
    if method:
        rows = rows.filter(method=method)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if since:
        rows = rows.filter(created_at__gte=_start_of(since))
    if until:
        end = _start_of(until)
        if not isinstance(until, datetime):
            end += timedelta(days=1)
        rows = rows.filter(created_at__lt=end)
    return rows


def totals_by_method(rows: QuerySet[Payment]) -> list[dict]:
    """Per method and currency: rows, money in (payments), money out (refunds, reversals) and the net."""
    return list(
        rows.order_by()
        .values("method", "currency")
        .annotate(
            count=Count("id"),
            net=Sum("effect", default=Decimal("0")),
        )
        .order_by("method", "currency")
    )


def totals_by_day(rows: QuerySet[Payment]) -> list[dict]:
    """Per day (in the project's time zone) and currency: rows and the net received."""
    return list(
        rows.order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "currency")
        .annotate(count=Count("id"), net=Sum("effect", default=Decimal("0")))
        .order_by("-day", "currency")
    )


def member_may_register(*, order: Order, method: str) -> bool:
    """A seller's member registers money that reaches the seller: on a marketplace order, the order's own
    transfer, payment link or cash; on a direct sale, any method (the seller collected it all)."""
    if order.channel == Channel.DIRECT:
        return True
    return method == order.payment_method and method in PaymentMethod.manual()


def payment_window_of(seller: Seller) -> timedelta:
    """The contract's payment window (transfer, payment link); the default terms without a contract."""
    window = Contract.objects.filter(seller=seller).values_list("payment_window", flat=True).first()
    return window if window is not None else settings.CONTRACT_DEFAULTS["payment_window"]


def payment_of(*, seller: Seller, payment_id) -> Payment:
    try:
        payment_id = int(payment_id)
    except (TypeError, ValueError):
        raise NotFound(_("Pago no encontrado.")) from None
    payment = Payment.objects.filter(seller=seller, pk=payment_id).select_related("order").first()
    if payment is None:
        raise NotFound(_("Pago no encontrado."))
    return payment


@dataclass(frozen=True)
class OrderPayments:
    """What the order page and the API show about the order's money."""

    rows: list[Payment]
    totals: Totals
    balance: Decimal
    due_at: datetime | None  # when an unpaid transfer / payment-link order is canceled
    can_register: bool  # «Registrar pago» is offered to the seller's members

    @property
    def received(self) -> Decimal:
        return self.totals.received

    @property
    def refunded(self) -> Decimal:
        return self.totals.refunded


def order_payments(*, seller: Seller, order: Order) -> OrderPayments:
    rows = list(
        Payment.objects.filter(seller=seller, order=order).select_related("created_by").order_by("created_at", "id")
    )
    for row in rows:
        row.order = order  # every row is this order's: no query per row to name it
    totals = totals_of(rows)
    balance = balance_of(total=order.total, totals=totals)
    open_order = order.status not in (Status.CANCELED, Status.RETURNED)
    due_at = None
    if (
        order.status == Status.PENDING_HANDLING
        and order.penalties_apply  # the window is a term of the marketplace's contract
        and order.payment_method in PaymentMethod.with_payment_window()
        and totals.received == 0
    ):
        due_at = order.placed_at + payment_window_of(seller)
    return OrderPayments(
        rows=rows,
        totals=totals,
        balance=balance,
        due_at=due_at,
        can_register=open_order and balance > 0 and member_may_register(order=order, method=order.payment_method),
    )
