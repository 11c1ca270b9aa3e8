"""The order's state machine. This module alone writes `Order.status`.

Each action's service lives with its data (fulfillment: start_handling, ship; evidence:
deliver; disputes: cancel) and calls `transition()`, passing a guard that runs under the
row lock, so imports keep pointing one way and every rule is checked on fresh data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidTransition, NotFound
from orders.models import Order, OrderEvent, Status, awaits_payment
from sellers.models import Membership, Seller


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    timestamp_field: str
    label: str
    # a button the seller presses (shown by allowed_actions); other actions are taken by
    # the system or an operator (a buyer's accepted request, a dispute's outcome, a return)
    seller_button: bool = True
    # refused while the order is on hold (e.g. a buyer's cancellation request awaits an answer)
    waits_for_hold: bool = False
    # not offered while a prepaid order awaits its payment (orders.models.awaits_payment); the
    # action's guard refuses it too (fulfillment.services.start_handling)
    waits_for_payment: bool = False

    @property
    def source(self) -> str:
        """The first source; most actions have exactly one."""
        return self.sources[0]


TRANSITIONS: dict[str, Transition] = {
    "start_handling": Transition(
        (Status.PENDING_HANDLING,),
        Status.READY_TO_SHIP,
        "handling_started_at",
        gettext_lazy("Iniciar manejo"),
        waits_for_hold=True,
        waits_for_payment=True,
    ),
    "ship": Transition(
        (Status.READY_TO_SHIP,), Status.SHIPPED, "shipped_at", gettext_lazy("Realizar envío"), waits_for_hold=True
    ),
    "deliver": Transition((Status.SHIPPED,), Status.DELIVERED, "delivered_at", gettext_lazy("Entregar")),
    "cancel": Transition((Status.PENDING_HANDLING,), Status.CANCELED, "canceled_at", gettext_lazy("Cancelar")),
    "accept_cancellation_request": Transition(
        (Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.SHIPPED),
        Status.CANCELED,
        "canceled_at",
        gettext_lazy("Aceptar solicitud de cancelación"),
        seller_button=False,
    ),
    "refund_by_dispute": Transition(
        (Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED, Status.RETURNED),
        Status.CANCELED,
        "canceled_at",
        gettext_lazy("Reembolso por controversia"),
        seller_button=False,
    ),
    "return_to_seller": Transition(
        (Status.SHIPPED,), Status.RETURNED, "returned_at", gettext_lazy("Devolver al vendedor"), seller_button=False
    ),
    # beat: a transfer or payment-link order unpaid past the contract's payment window (payments.services)
    "expire_unpaid": Transition(
        (Status.PENDING_HANDLING,),
        Status.CANCELED,
        "canceled_at",
        gettext_lazy("Cancelada: pago no recibido"),
        seller_button=False,
        waits_for_hold=True,
    ),
}
ACTIONS = tuple(TRANSITIONS)
SELLER_ACTIONS = tuple(action for action, spec in TRANSITIONS.items() if spec.seller_button)

# What each OrderEvent.kind says to people (timeline, admin history); kinds are written by every app.
EVENT_LABELS = {
    "received": gettext_lazy("Orden recibida"),
    "created_manually": gettext_lazy("Orden creada (venta directa)"),
    "payment_registered": gettext_lazy("Pago registrado"),
    "evidence_added": gettext_lazy("Evidencia agregada"),
    "evidence_superseded": gettext_lazy("Evidencia reemplazada"),
    "evidence_reviewed": gettext_lazy("Evidencia revisada"),
    "delivery_attempt_failed": gettext_lazy("Intento de entrega fallido"),
    "penalty_raised": gettext_lazy("Penalidad aplicada"),
    "penalty_waived": gettext_lazy("Penalidad condonada"),
    "penalty_appealed": gettext_lazy("Penalidad apelada"),
    "cancellation_requested": gettext_lazy("Solicitud de cancelación del comprador"),
    "cancellation_request_rejected": gettext_lazy("Solicitud de cancelación rechazada"),
    "cancellation_request_lapsed": gettext_lazy("Solicitud de cancelación sin efecto"),
    "dispute_opened": gettext_lazy("Controversia abierta"),
    "dispute_message": gettext_lazy("Mensaje en controversia"),
    "dispute_resolved": gettext_lazy("Controversia resuelta"),
    "dispute_closed": gettext_lazy("Controversia cerrada"),
    "dispute_reassigned": gettext_lazy("Controversia reasignada"),
    "payment_failed": gettext_lazy("Pago fallido"),
    "payment_refunded": gettext_lazy("Reembolso registrado"),
    "payment_reversed": gettext_lazy("Movimiento de pago revertido"),
    **{action: spec.label for action, spec in TRANSITIONS.items()},
}


def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind))


# Sent after the transaction that made the change commits; a rollback sends nothing.
order_transitioned = Signal()  # kwargs: order_id, seller_id, action, event_id
order_created = Signal()  # kwargs: order_id, seller_id
# Sent INSIDE the transaction that creates an order, so what a receiver writes commits or rolls back
# with it (payments records the marketplace's payment of an order that arrives paid).
order_received = Signal()  # kwargs: order, paid (bool)


Guard = Callable[[Order], dict | None]


def transition(
    *,
    order_id: int,
    seller: Seller,
    action: str,
    actor,
    payload: dict | None = None,
    guard: Guard | None = None,
    occurred_at: datetime | None = None,
    also_save: tuple[str, ...] = (),
) -> Order:
    """Move one order by `action`, under a row lock, with its event, or refuse with 409.

    `guard(order)` runs on the locked row; it raises a domain error to refuse (the whole
    transaction rolls back) and may return more payload for the event. Fields the guard sets
    on the order are written only if named in `also_save` (never `status`).
    """
    spec = TRANSITIONS[action]
    with transaction.atomic():
        order = Order.objects.select_for_update(no_key=True).filter(pk=order_id, seller=seller).first()
        if order is None:
            raise NotFound(_("Orden no encontrada."))
        if order.status not in spec.sources:
            raise InvalidTransition(
                action=action,
                status=order.status,
                message=_("No se puede «%(action)s»: la orden está «%(status)s».")
                % {"action": spec.label, "status": order.get_status_display()},
            )
        if spec.waits_for_hold and order.on_hold_reason:
            raise InvalidTransition(
                action=action,
                status=order.status,
                message=_("La orden está en espera (%(reason)s): responde eso primero.")
                % {"reason": order.get_on_hold_reason_display()},
            )
        source_status = order.status
        event_payload = dict(payload or {})
        if guard is not None:
            event_payload.update(guard(order) or {})
        now = timezone.now()
        order.status = spec.target
        setattr(order, spec.timestamp_field, occurred_at or now)
        assert "status" not in also_save
        order.save(update_fields=["status", spec.timestamp_field, "updated_at", *also_save])
        event = record_event(
            order=order,
            kind=action,
            actor=actor,
            from_status=source_status,
            to_status=spec.target,
            payload=event_payload,
        )
        transaction.on_commit(
            lambda: order_transitioned.send(
                sender=Order,
                order_id=order.pk,
                seller_id=order.seller_id,
                action=action,
                event_id=event.pk,
            ),
            robust=True,
        )
    return order


def record_event(
    *,
    order: Order,
    kind: str,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    payload: dict | None = None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        seller_id=order.seller_id,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label(actor),
        from_status=from_status,
        to_status=to_status,
        payload=payload or {},
    )


def actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return actor.get_full_name() or actor.get_username()


def can_act_on(*, order: Order, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user, seller_id=order.seller_id).exists()


def allowed_actions(order: Order, user, *, is_member: bool | None = None) -> list[str]:
    """The actions the user may take on the order now, in workflow order.

    `is_member` lets a caller that already resolved the user's seller skip one query per order.
    """
    permitted = is_member if is_member is not None else can_act_on(order=order, user=user)
    if not permitted:
        return []
    return [
        action
        for action, spec in TRANSITIONS.items()
        if spec.seller_button
        and order.status in spec.sources
        and not (spec.waits_for_hold and order.on_hold_reason)
        and not (spec.waits_for_payment and awaits_payment(order))
    ]


def action_label(action: str) -> str:
    return str(TRANSITIONS[action].label)
