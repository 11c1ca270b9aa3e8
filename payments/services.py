"""Every write to the payments ledger, with its order event, in the order's row lock.

Each function locks the order row first (as the workflow does), writes one ledger row, and stores
the payment status derived from the whole ledger (payments.ledger) on the order in the same
transaction. Nothing here updates or deletes a ledger row: a mistake is undone by a reversal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from disputes.models import Cancellation, ReasonCode
from evidence.validation import check_upload
from fulfillment.services import release_reservations
from orders.models import PENALTIES_APPLY, Order, PaymentMethod, PaymentStatus, Status, awaits_payment
from orders.workflow import actor_label, record_event, transition
from payments.ledger import Totals, balance_of, payment_status_of, totals_of
from payments.models import EntryStatus, Kind, Payment, Source
from payments.selectors import member_may_register, payment_window_of
from payments.signals import payment_notice
from sellers.models import Contract, Seller

log = logging.getLogger(__name__)

MAX_AMOUNT = Decimal("9999999999.99")
CENT = Decimal("0.01")
# NotificationKind value (notifications sits to the right of payments)
NOTICE_PAYMENT_NOT_RECEIVED = "payment_not_received"
# an order in these states takes no new payment (a refund or reversal still goes through)
CLOSED_STATES = (Status.CANCELED, Status.RETURNED)


class FeedStatus:
    """What the marketplace feed says happened to a payment, and the ledger row it becomes."""

    CONFIRMED = "confirmed"
    FAILED = "failed"
    REFUNDED = "refunded"
    ROWS = {
        CONFIRMED: (Kind.PAYMENT, EntryStatus.CONFIRMED),
        FAILED: (Kind.PAYMENT, EntryStatus.FAILED),
        REFUNDED: (Kind.REFUND, EntryStatus.CONFIRMED),
    }
    EVENTS = {CONFIRMED: "payment_registered", FAILED: "payment_failed", REFUNDED: "payment_refunded"}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def parse_amount(value, *, field: str = "amount") -> Decimal | None:
    """None for no amount; a positive Decimal of at most 2 decimals; anything else is a 400."""
    if value in (None, ""):
        return None
    invalid = ValidationFailed(_("Monto no válido."), fields={field: [_("monto no válido")]})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid from None
    if not amount.is_finite():
        raise invalid
    if amount > MAX_AMOUNT:
        raise invalid
    if amount != amount.quantize(CENT):
        raise ValidationFailed(_("El monto admite como máximo 2 decimales."), fields={field: [_("máximo 2 decimales")]})
    if amount <= 0:
        raise ValidationFailed(_("El monto debe ser mayor que 0."), fields={field: [_("debe ser mayor que 0")]})
    if amount > MAX_AMOUNT:
        raise invalid
    return amount.quantize(CENT)


def _lock_order(*, order_id, seller: Seller) -> Order:
    order = Order.objects.select_for_update(no_key=True).filter(pk=order_id, seller=seller).first()
    if order is None:
        raise NotFound(_("Orden no encontrada."))
    return order


def _totals(order: Order) -> Totals:
    return totals_of(Payment.objects.filter(order=order).only("id", "kind", "effect", "reverses_id"))


def refresh_payment_status(*, order: Order) -> str:
    """Derive the status from the ledger and store its copy on the (locked) order.

    When a prepaid order becomes fully paid, its handling clock starts: the handling deadline
    becomes now + the contract's handling window (never earlier than it was).
    """
    was_awaiting = awaits_payment(order)
    expired = (
        order.status == Status.CANCELED
        and Cancellation.objects.filter(order=order, reason_id=ReasonCode.PAYMENT_NOT_RECEIVED).exists()
    )
    status = payment_status_of(total=order.total, totals=_totals(order), expired=expired)
    changes = {}
    if status != order.payment_status:
        changes["payment_status"] = order.payment_status = status
    if was_awaiting and not awaits_payment(order):
        contract, _created = Contract.objects.get_or_create(seller_id=order.seller_id)
        restarted = timezone.now() + contract.handling_window
        if restarted > order.handling_deadline:
            changes["handling_deadline"] = order.handling_deadline = restarted
    if changes:
        Order.objects.filter(pk=order.pk).update(**changes, updated_at=timezone.now())
    return status


def _check_document(document: UploadedFile | None):
    if document is None:
        return None
    checked = check_upload(document)  # size (413), type by content (415), embedded code, full decode
    document.seek(0)
    return checked


def _write(*, order: Order, row: Payment, event: str, actor, document: UploadedFile | None = None, checked=None):
    """Insert the row (and its file), its order event, and the derived status."""
    if document is not None:
        row.document_content_type = checked.content_type
        row.document_sha256 = checked.sha256
        row.document.save("document", document, save=False)  # stored before the INSERT
    row.save(force_insert=True)
    record_event(
        order=order,
        kind=event,
        actor=actor,
        payload={
            "payment_id": row.pk,
            "kind": row.kind,
            "status": row.status,
            "method": row.method,
            "amount": str(row.amount),
            "currency": row.currency,
            "reference": row.reference,
            "document": bool(row.document),
            "source": row.source,
            **({"reverses": row.reverses_id} if row.reverses_id else {}),
            **({"text": row.note} if row.note else {}),
        },
    )
    refresh_payment_status(order=order)
    return row


def register_payment(
    *,
    order_id: int,
    seller: Seller,
    actor,
    amount=None,
    reference: str = "",
    document: UploadedFile | None = None,
    method: str | None = None,
    note: str = "",
    source: str = Source.MEMBER,
) -> Payment:
    """«Registrar pago»: money the seller (or an operator) received for the order.

    `amount` defaults to the balance; more than the balance is refused (409). A bank transfer or a
    payment link needs a reference code or a supporting document. Members register only the
    methods whose money reaches them (transfer, payment link, cash on delivery); an operator, any.
    """
    amount = parse_amount(amount)
    reference = (reference or "").strip()
    note = (note or "").strip()
    if len(reference) > 100:
        raise ValidationFailed(_("El código de referencia admite 100 caracteres."), fields={"reference": ["max 100"]})
    if len(note) > 500:
        raise ValidationFailed(_("La nota admite 500 caracteres."), fields={"note": ["max 500"]})
    if source not in (Source.MEMBER, Source.OPERATOR):
        raise ValidationFailed(_("Origen del pago no válido."), fields={"source": [_("valor no válido")]})
    if method is not None and method not in PaymentMethod.values:
        raise ValidationFailed(_("Elige una forma de pago."), fields={"method": [_("valor no válido")]})
    # another seller's order is 404 before its input is judged (the file is read only for one's own)
    if not Order.objects.filter(pk=order_id, seller=seller).exists():
        raise NotFound(_("Orden no encontrada."))
    checked = _check_document(document)
    stored: list[Payment] = []
    try:
        return _register(
            order_id=order_id, seller=seller, actor=actor, amount=amount, reference=reference, document=document,
            checked=checked, method=method, note=note, source=source, stored=stored,
        )  # fmt: skip
    except Exception:
        # nothing half-written: a refused or failed registration leaves no stored file behind
        for row in stored:
            if row.document:
                row.document.storage.delete(row.document.name)
        raise


def _register(*, order_id, seller, actor, amount, reference, document, checked, method, note, source, stored):
    with transaction.atomic():
        order = _lock_order(order_id=order_id, seller=seller)
        method = method or order.payment_method
        if source == Source.MEMBER and not member_may_register(order=order, method=method):
            raise Conflict(
                _("Los pagos con %(method)s los confirma el marketplace; no se registran a mano.")
                % {"method": order.get_payment_method_display().lower()},
                code="payment_by_marketplace",
            )
        if method in PaymentMethod.with_payment_window() and not reference and document is None:
            message = _("Indica el código de referencia del pago o adjunta el documento de soporte.")
            raise ValidationFailed(message, fields={"reference": [message]})
        if order.status in CLOSED_STATES:
            raise Conflict(
                _("La orden está «%(status)s»: no admite pagos.") % {"status": order.get_status_display()},
                code="order_closed",
            )
        balance = balance_of(total=order.total, totals=_totals(order))
        if balance <= 0:
            raise Conflict(_("La orden ya está pagada."), code="already_paid")
        amount = amount if amount is not None else balance
        if amount > balance:
            raise Conflict(
                _("El monto (%(amount)s) supera el saldo por pagar (%(balance)s).")
                % {"amount": amount, "balance": balance},
                code="over_balance",
                fields={"amount": [_("supera el saldo")]},
            )
        row = Payment(
            seller=seller,
            order=order,
            kind=Kind.PAYMENT,
            method=method,
            amount=amount,
            effect=amount,
            currency=order.currency,
            reference=reference,
            note=note,
            source=source,
            created_by=_user(actor),
            created_by_label=actor_label(actor),
        )
        stored.append(row)
        return _write(order=order, row=row, event="payment_registered", actor=actor, document=document, checked=checked)


def reverse_payment(*, payment_id: int, actor, reason: str, seller: Seller | None = None) -> Payment:
    """An operator undoes a ledger row (a payment registered by mistake, a refund that bounced): a new row."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Indica el motivo de la reversión."), fields={"reason": [_("requerido")]})
    original = Payment.objects.filter(pk=payment_id, **({"seller": seller} if seller else {})).first()
    if original is None:
        raise NotFound(_("Pago no encontrado."))
    with transaction.atomic():
        order = _lock_order(order_id=original.order_id, seller=original.seller)
        if original.kind == Kind.REVERSAL or original.status != EntryStatus.CONFIRMED:
            raise Conflict(_("Solo se revierte un pago o reembolso confirmado."), code="not_reversible")
        if Payment.objects.filter(reverses=original).exists():
            raise Conflict(_("Ese movimiento ya fue revertido."), code="already_reversed")
        row = Payment(
            seller=original.seller,
            order=order,
            kind=Kind.REVERSAL,
            method=original.method,
            amount=original.amount,
            effect=-original.effect,
            currency=original.currency,
            reference=original.reference,
            note=reason[:500],
            reverses=original,
            source=Source.OPERATOR if _user(actor) else Source.SYSTEM,
            created_by=_user(actor),
            created_by_label=actor_label(actor),
        )
        try:
            with transaction.atomic():
                return _write(order=order, row=row, event="payment_reversed", actor=actor)
        except IntegrityError:
            raise Conflict(_("Ese movimiento ya fue revertido."), code="already_reversed") from None


def record_feed_payment(
    *, order_id: int, seller: Seller, reference: str, status: str, amount=None
) -> tuple[Payment, bool]:
    """The marketplace confirms, fails or refunds a payment. Idempotent by its payment reference:
    the same (reference, status) again returns the stored row (created=False); with another amount, 409."""
    reference = (reference or "").strip()
    if not reference:
        raise ValidationFailed(_("Indica la referencia del pago."), fields={"reference": [_("requerido")]})
    if status not in FeedStatus.ROWS:
        raise ValidationFailed(_("Estado de pago no válido."), fields={"status": [_("valor no válido")]})
    amount = parse_amount(amount)
    kind, entry_status = FeedStatus.ROWS[status]

    def stored() -> Payment | None:
        return Payment.objects.filter(
            order_id=order_id, source=Source.MARKETPLACE, reference=reference, kind=kind, status=entry_status
        ).first()

    def same_or_conflict(existing: Payment) -> tuple[Payment, bool]:
        if amount is not None and amount != existing.amount:
            raise Conflict(
                _("La referencia %(reference)s ya se registró con otro monto (%(amount)s).")
                % {"reference": reference, "amount": existing.amount},
                code="reference_conflict",
                fields={"reference": [_("ya usada")]},
            )
        return existing, False

    existing = stored()
    if existing is not None:
        return same_or_conflict(existing)
    try:
        with transaction.atomic():
            order = _lock_order(order_id=order_id, seller=seller)
            totals = _totals(order)
            if kind == Kind.REFUND:
                available = totals.net
                if available <= 0:
                    raise Conflict(_("La orden no tiene pagos que reembolsar."), code="nothing_to_refund")
                amount = amount if amount is not None else available
                if amount > available:
                    raise Conflict(
                        _("El reembolso (%(amount)s) supera lo pagado (%(paid)s).")
                        % {"amount": amount, "paid": available},
                        code="over_paid",
                        fields={"amount": [_("supera lo pagado")]},
                    )
            else:
                balance = balance_of(total=order.total, totals=totals)
                if entry_status == EntryStatus.CONFIRMED:
                    if order.status in CLOSED_STATES:
                        raise Conflict(
                            _("La orden está «%(status)s»: no admite pagos.") % {"status": order.get_status_display()},
                            code="order_closed",
                        )
                    if balance <= 0:
                        raise Conflict(_("La orden ya está pagada."), code="already_paid")
                    if amount is not None and amount > balance:
                        raise Conflict(
                            _("El monto (%(amount)s) supera el saldo por pagar (%(balance)s).")
                            % {"amount": amount, "balance": balance},
                            code="over_balance",
                            fields={"amount": [_("supera el saldo")]},
                        )
                amount = amount if amount is not None else (balance if balance > 0 else order.total)
            effect = {Kind.PAYMENT: amount, Kind.REFUND: -amount}[kind] if entry_status == EntryStatus.CONFIRMED else 0
            row = Payment(
                seller=seller,
                order=order,
                kind=kind,
                status=entry_status,
                method=order.payment_method,
                amount=amount,
                effect=effect,
                currency=order.currency,
                reference=reference,
                source=Source.MARKETPLACE,
                created_by_label="marketplace",
            )
            return _write(order=order, row=row, event=FeedStatus.EVENTS[status], actor=None), True
    except IntegrityError:
        # a concurrent resend of the same reference won the race
        existing = stored()
        if existing is None:
            raise
        return same_or_conflict(existing)


def record_paid_at_intake(*, order: Order) -> Payment:
    """An order the feed sends as already paid (card, wallet): the marketplace's payment, in the intake's
    transaction (orders.workflow.order_received)."""
    row = Payment(
        seller_id=order.seller_id,
        order=order,
        kind=Kind.PAYMENT,
        method=order.payment_method,
        amount=order.total,
        effect=order.total,
        currency=order.currency,
        reference=f"{order.external_id}"[:100],
        source=Source.MARKETPLACE,
        created_by_label="marketplace",
    )
    if order.total <= 0:
        return row  # nothing was paid; the status is already "paid"
    row.save(force_insert=True)
    return row


def refund_for_dispute(*, order: Order, amount: Decimal, actor, dispute_id: int) -> Payment | None:
    """A dispute resolved for the buyer (or partially): a refund of what was received, at most `amount`."""
    available = _totals(order).net
    amount = min(Decimal(amount), available)
    if amount <= 0:
        refresh_payment_status(order=order)
        return None
    row = Payment(
        seller_id=order.seller_id,
        order=order,
        kind=Kind.REFUND,
        method=order.payment_method,
        amount=amount,
        effect=-amount,
        currency=order.currency,
        reference=f"controversia-{dispute_id}",
        source=Source.OPERATOR if _user(actor) else Source.SYSTEM,
        created_by=_user(actor),
        created_by_label=actor_label(actor),
    )
    return _write(order=order, row=row, event="payment_refunded", actor=actor)


def deliver_and_collect(
    *, order_id: int, seller: Seller, actor, deliver: Callable[[], Order], cash_collected=None
) -> Order:
    """«Entregar» a cash-on-delivery order: the delivery and the cash collected, in one transaction.

    `deliver()` performs the delivery (evidence.services); `cash_collected` is what the courier
    collected (none: not collected yet; the order shows under «Contra entrega sin cobrar»).
    """
    amount = parse_amount(cash_collected, field="cash_collected")
    with transaction.atomic():
        order = deliver()
        if amount is not None:
            if order.payment_method not in PaymentMethod.collected_on_delivery():
                raise ValidationFailed(
                    _("Solo una orden con pago contra entrega registra efectivo al entregar."),
                    fields={"cash_collected": [_("la orden no es contra entrega")]},
                )
            register_payment(
                order_id=order_id,
                seller=seller,
                actor=actor,
                amount=amount,
                method=order.payment_method,
                note=_("Cobrado al entregar"),
                source=Source.MEMBER if not getattr(actor, "is_staff", False) else Source.OPERATOR,
            )
        order.refresh_from_db()
    return order


# --- the payment window ----------------------------------------------------------------------------


def _due_for_expiry(now: datetime):
    window = Coalesce(
        F("seller__contract__payment_window"),
        Value(settings.CONTRACT_DEFAULTS["payment_window"], output_field=DurationField()),
    )
    return (
        Order.objects.filter(
            PENALTIES_APPLY,  # a direct sale is the seller's own business: no marketplace window
            status=Status.PENDING_HANDLING,
            payment_method__in=sorted(PaymentMethod.with_payment_window()),
            payment_status=PaymentStatus.PENDING,
            on_hold_reason="",
        )
        .annotate(payment_due_at=ExpressionWrapper(F("placed_at") + window, output_field=DateTimeField()))
        .filter(payment_due_at__lte=now)
    )


def expire_unpaid_order(*, order_id: int, seller: Seller, now: datetime | None = None) -> Order:
    """«Pago no recibido»: beat cancels a transfer or payment-link order with nothing paid past its window.

    No penalty: the seller could not handle it (the deadline sweep skips unpaid prepaid orders).
    """
    now = now or timezone.now()
    window = payment_window_of(seller)

    def guard(order: Order) -> dict:
        if (
            not order.penalties_apply
            or order.payment_method not in PaymentMethod.with_payment_window()
            or order.payment_status != PaymentStatus.PENDING
            or order.placed_at + window > now
        ):
            raise Conflict(_("La orden ya no está vencida por falta de pago."), code="not_due")
        Cancellation.objects.create(
            order=order,
            seller=seller,
            reason_id=ReasonCode.PAYMENT_NOT_RECEIVED,
            text=_("Pago no recibido dentro del plazo de %(hours)d h desde la compra.")
            % {"hours": window.total_seconds() // 3600},
            responsible=_("Comprador (pago no recibido)"),
        )
        release_reservations(order=order)
        return {"reason": ReasonCode.PAYMENT_NOT_RECEIVED, "payment_window_hours": window.total_seconds() / 3600}

    with transaction.atomic():
        order = transition(order_id=order_id, seller=seller, action="expire_unpaid", actor=None, guard=guard)
        refresh_payment_status(order=order)
        number = order.number
        transaction.on_commit(
            lambda: payment_notice.send(
                sender=Payment,
                seller_id=seller.pk,
                order_id=order_id,
                kind=NOTICE_PAYMENT_NOT_RECEIVED,
                render=lambda: (
                    _(gettext_noop("La orden #%(number)s se canceló: pago no recibido dentro del plazo."))
                    % {"number": number}
                ),
            ),
            robust=True,
        )
    return order


def expire_unpaid_orders(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat: cancel every order unpaid past its window. Safe to run twice at once (each re-checks under lock)."""
    now = now or timezone.now()
    due = list(_due_for_expiry(now).select_related("seller").order_by("placed_at", "id")[:limit])
    expired = 0
    for order in due:
        try:
            expire_unpaid_order(order_id=order.pk, seller=order.seller, now=now)
            expired += 1
        except (InvalidTransition, Conflict, NotFound):
            continue  # paid, canceled or taken by a concurrent sweep meanwhile
    return expired
