from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Case, DateTimeField, F, Prefetch, Q, QuerySet, When
from django.utils import timezone

from core.errors import NotFound
from orders.models import (
    PENALTIES_APPLY,
    Order,
    OrderEvent,
    OrderStatusCount,
    PaymentMethod,
    PaymentStatus,
    Status,
    awaits_payment_q,
)
from sellers.models import Contract, Seller


def order_list(
    *,
    seller: Seller,
    status: str | None = None,
    search: str = "",
    placed_after: datetime | date | None = None,
    placed_before: datetime | date | None = None,
    due_soon: bool | None = False,
    sort: str | None = "",
    channel: str | None = None,
    payment: str | None = "",
    payment_status: str | None = "",
) -> QuerySet[Order]:
    """The seller's orders, newest first; every filter stays inside the seller.

    `channel`: «marketplace» or «direct» (Venta directa) only.
    `due_soon`: only orders whose open deadline falls within the contract's warning lead time
    ("vence pronto"). `sort="deadline"`: only orders with an open deadline, closest first
    (annotated `next_deadline`); other orders have none to sort by. `payment`: one of PAYMENT_FILTERS.
    """
    # through the seller's own related manager every row's `order.seller` is this very instance, so
    # the SLA clocks share one contract (loaded with the membership) instead of joining it per row
    orders = seller.orders.select_related("site").order_by("-placed_at", "-id")
    if status:
        orders = orders.filter(status=status)
    if channel:
        orders = orders.filter(channel=channel)
    search = (search or "").strip()
    if search:
        orders = orders.filter(
            Q(number__iexact=search.lstrip("#"))
            | Q(external_id__iexact=search)
            | Q(buyer_full_name__icontains=search)
            | Q(buyer_document_number=search)
        )
    if payment in PAYMENT_FILTERS:
        orders = orders.filter(PAYMENT_FILTERS[payment])
    if payment_status:
        orders = orders.filter(payment_status=payment_status)
    if placed_after:
        orders = orders.filter(placed_at__gte=_start_of(placed_after))
    if placed_before:
        orders = orders.filter(placed_at__lt=_end_of(placed_before))
    if due_soon or sort == SORT_DEADLINE:
        orders = orders.annotate(next_deadline=NEXT_DEADLINE).filter(next_deadline__isnull=False)
    if due_soon:
        now = timezone.now()
        lead = Contract.objects.filter(seller=seller).values_list("warning_lead_time", flat=True).first()
        lead = lead if lead is not None else settings.CONTRACT_DEFAULTS["warning_lead_time"]
        orders = orders.filter(next_deadline__gte=now, next_deadline__lt=now + lead)
    if sort == SORT_DEADLINE:
        orders = orders.order_by("next_deadline", "id")
    return orders


SORT_DEADLINE = "deadline"
PAYMENT_COD_UNPAID = "cod_unpaid"
PAYMENT_AWAITING = "awaiting"
PAYMENT_FILTERS = {
    # delivered cash-on-delivery orders whose cash is not (fully) registered yet
    PAYMENT_COD_UNPAID: Q(
        status=Status.DELIVERED,
        payment_method__in=sorted(PaymentMethod.collected_on_delivery()),
        payment_status__in=[PaymentStatus.PENDING, PaymentStatus.PARTIALLY_PAID],
    ),
    # prepaid orders that cannot be handled until paid
    PAYMENT_AWAITING: awaits_payment_q(),
}
# the deadline an open order must meet next: "Iniciar manejo" while pending, "Realizar envío" after;
# a direct sale answers to no marketplace deadline, and an unpaid prepaid order has none yet (its
# handling clock starts once it is paid)
NEXT_DEADLINE = Case(
    When(awaits_payment_q(), then=None),
    When(PENALTIES_APPLY & Q(status=Status.PENDING_HANDLING), then=F("handling_deadline")),
    When(PENALTIES_APPLY & Q(status=Status.READY_TO_SHIP), then=F("ship_by_deadline")),
    default=None,
    output_field=DateTimeField(),
)


def _start_of(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _end_of(value: datetime | date) -> datetime:
    """`placed_before` a date includes that whole day; a datetime is exclusive."""
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min)) + timezone.timedelta(days=1)


def status_counts(*, seller: Seller) -> dict[str, int]:
    """How many of the seller's orders are in each status (every status present, zeros too)."""
    counts = dict.fromkeys(Status.values, 0)
    # kept by triggers on orders_order: five rows to read instead of every order to count
    counts.update(OrderStatusCount.objects.filter(seller=seller).values_list("status", "count"))
    counts["all"] = sum(counts[s] for s in Status.values)
    return counts


def order_detail(*, seller: Seller, order_id: int | str) -> Order:
    """One order of the seller with everything its page shows; another seller's id is 404."""
    try:
        order_id = int(order_id)
    except (TypeError, ValueError):
        raise NotFound("Orden no encontrada.") from None
    order = (
        Order.objects.filter(seller=seller, pk=order_id)
        .select_related("site", "seller")
        .prefetch_related(
            "lines",
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("created_at", "id")),
        )
        .first()
    )
    if order is None:
        raise NotFound("Orden no encontrada.")
    return order
