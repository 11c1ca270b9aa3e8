"""Seller cancellation, buyer cancellation requests and disputes: every write, with its order event.

Lock order, to stay free of deadlocks: the order row first, then the request or dispute row.
Notices for the seller's people are announced after commit (disputes.signals.seller_notice).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import Conflict, DomainError, InvalidTransition, NotFound, ValidationFailed
from disputes.models import (
    Cancellation,
    CancellationReason,
    CancellationRequest,
    Dispute,
    DisputeAttachment,
    DisputeMessage,
    DisputeStatus,
    Party,
    ReasonCode,
    RequestStatus,
    Resolution,
)
from disputes.signals import refund_owed, seller_notice
from evidence.models import DeliveryEvidence
from evidence.validation import check_upload
from fulfillment.models import Shipment
from fulfillment.services import release_reservations
from orders.models import HoldReason, Order, Status
from orders.workflow import TRANSITIONS, actor_label, record_event, transition
from sellers.models import Membership, Seller

log = logging.getLogger(__name__)

# NotificationKind values (notifications sits to the right of disputes, so only the codes are named here)
NOTICE_DISPUTE = "dispute"
NOTICE_DISPUTE_MESSAGE = "dispute_message"
NOTICE_CANCELLATION_REQUEST = "cancellation_request"
NOTICE_DEADLINE_WARNING = "deadline_warning"

MAX_ATTACHMENTS = 5
MAX_TEXT = 5000


def dispute_response_window() -> timedelta:
    return getattr(settings, "DISPUTE_RESPONSE_WINDOW", timedelta(days=5))


def cancellation_request_window() -> timedelta:
    return getattr(settings, "CANCELLATION_REQUEST_WINDOW", timedelta(hours=72))


def warning_lead_time() -> timedelta:
    return getattr(settings, "DISPUTES_WARNING_LEAD_TIME", timedelta(hours=24))


class OperatorOnly(DomainError):
    """Only a marketplace operator (staff, not a member of the seller) settles a dispute."""

    status_code = 403
    code = "operator_only"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def _message(template: str, **params) -> Callable[[], str]:
    """A notice text to render later in each UI language; a callable param gives a translated label."""

    def render() -> str:
        return _(template) % {name: value() if callable(value) else str(value) for name, value in params.items()}

    return render


def _notify(*, seller_id: int, order_id: int | None, kind: str, render: Callable[[], str]) -> None:
    """After commit, a notice to the seller's members; `render()` is called once per UI language."""
    transaction.on_commit(
        lambda: seller_notice.send(sender=Dispute, seller_id=seller_id, order_id=order_id, kind=kind, render=render),
        robust=True,
    )


def _clean(value: str, limit: int = MAX_TEXT) -> str:
    return (value or "").strip()[:limit]


def _reason(code: str, *, party: str, dispute: bool, field: str) -> CancellationReason:
    purpose = {"is_dispute_type": True} if dispute else {"is_cancellation": True}
    reason = CancellationReason.objects.filter(code=(code or "").strip(), active=True, **purpose).first()
    if reason is None or not reason.usable_by(party):
        message = _("Elige un tipo de controversia.") if dispute else _("Elige un tipo de cancelación.")
        raise ValidationFailed(message, fields={field: [message]})
    return reason


def _lock_order(*, order_id, seller: Seller) -> Order:
    order = Order.objects.select_for_update(no_key=True).filter(pk=order_id, seller=seller).first()
    if order is None:
        raise NotFound(_("Orden no encontrada."))
    return order


def _set_hold(order: Order, reason: str) -> None:
    # the order row is already locked by the caller; written with UPDATE so nothing else is touched
    Order.objects.filter(pk=order.pk).update(on_hold_reason=reason, updated_at=timezone.now())
    order.on_hold_reason = reason


# --- Seller cancellation (before handling) ---------------------------------------------------------


def cancel_order(*, order_id: int, seller: Seller, actor, cancellation_type: str, text: str, responsible: str) -> Order:
    """ "Cancelar": only while "Para manejo"; after that the way is "Crear controversia"."""
    text = _clean(text)
    responsible = _clean(responsible, 150)
    errors = {}
    reason = CancellationReason.objects.filter(
        code=(cancellation_type or "").strip(), active=True, is_cancellation=True, usable_by_seller=True
    ).first()
    if reason is None:
        errors["cancellation_type"] = [_("Elige un tipo de cancelación.")]
    if not text:
        errors["text"] = [_("Explica el motivo de la cancelación.")]
    if not responsible:
        errors["responsible"] = [_("Indica nombre y apellido del responsable.")]
    if errors:
        raise ValidationFailed(_("Revisa los datos de la cancelación."), fields=errors)

    def guard(order: Order) -> dict:
        Cancellation.objects.create(
            order=order, seller=seller, reason=reason, text=text, responsible=responsible, created_by=_user(actor)
        )
        release_reservations(order=order, actor=actor)
        return {"cancellation_type": reason.code, "text": text, "responsible": responsible}

    try:
        return transition(order_id=order_id, seller=seller, action="cancel", actor=actor, guard=guard)
    except InvalidTransition as refused:
        refused.message = _(
            "Solo se cancela una orden «Para manejo». Si ya iniciaste manejo, usa «Crear controversia»."
        )
        raise


# --- Buyer cancellation requests -------------------------------------------------------------------


def request_cancellation(
    *, order_id: int, seller: Seller, reason_code: str = "", text: str = "", reference: str = ""
) -> tuple[CancellationRequest, bool]:
    """The buyer asks to cancel (intake). Holds the order for 72 h; a resend by reference is a no-op."""
    reference = _clean(reference, 80)
    text = _clean(text)
    reason = _reason(reason_code or ReasonCode.BUYER_REQUEST, party=Party.BUYER, dispute=False, field="reason")
    if reference:
        existing = CancellationRequest.objects.filter(order_id=order_id, seller=seller, reference=reference).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            order = _lock_order(order_id=order_id, seller=seller)
            if order.status not in TRANSITIONS["accept_cancellation_request"].sources:
                raise Conflict(
                    _("La orden está «%(status)s»: ya no se puede pedir su cancelación; abre una controversia.")
                    % {"status": order.get_status_display()},
                    code="invalid_state",
                )
            now = timezone.now()
            request = CancellationRequest.objects.create(
                seller=seller,
                order=order,
                reason=reason,
                text=text,
                reference=reference,
                deadline=now + cancellation_request_window(),
            )
            _set_hold(order, HoldReason.CANCELLATION_REQUEST)
            record_event(
                order=order,
                kind="cancellation_requested",
                payload={
                    "request_id": request.pk,
                    "reason": reason.code,
                    "text": text,
                    "deadline": request.deadline.isoformat(),
                },
            )
            _notify(
                seller_id=seller.pk,
                order_id=order.pk,
                kind=NOTICE_CANCELLATION_REQUEST,
                render=_message(
                    gettext_noop("El comprador pidió cancelar la orden #%(number)s: responde antes de %(deadline)s."),
                    number=order.number,
                    deadline=timezone.localtime(request.deadline).strftime("%d/%m %H:%M"),
                ),
            )
    except IntegrityError:
        if reference:
            existing = CancellationRequest.objects.filter(order_id=order_id, seller=seller, reference=reference).first()
            if existing is not None:
                return existing, False
        raise Conflict(_("La orden ya tiene una solicitud de cancelación pendiente."), code="request_pending") from None
    return request, True


def _pending_request_locked(order: Order) -> CancellationRequest:
    request = CancellationRequest.objects.select_for_update().filter(order=order, status=RequestStatus.PENDING).first()
    if request is None:
        raise Conflict(_("La orden no tiene una solicitud de cancelación pendiente."), code="no_pending_request")
    return request


def accept_cancellation_request(*, order_id: int, seller: Seller, actor, automatic: bool = False) -> Order:
    """The seller (or the 72 h deadline) accepts: the order becomes "Cancelada" and its stock is released."""

    def guard(order: Order) -> dict:
        request = _pending_request_locked(order)
        now = timezone.now()
        if automatic and request.deadline > now:
            raise Conflict(_("La solicitud aún está en plazo."), code="not_due")
        request.status = RequestStatus.ACCEPTED
        request.answered_at = now
        request.answered_by = _user(actor)
        request.accepted_automatically = automatic
        request.save(update_fields=["status", "answered_at", "answered_by", "accepted_automatically"])
        order.on_hold_reason = ""
        Cancellation.objects.get_or_create(
            order=order,
            defaults={
                "seller": seller,
                "reason": request.reason,
                "text": request.text or _("Solicitud de cancelación del comprador aceptada."),
                "responsible": _("Comprador") if not automatic else _("Comprador (sin respuesta en plazo)"),
                "created_by": _user(actor),
            },
        )
        release_reservations(order=order, actor=actor)
        return {"request_id": request.pk, "automatic": automatic, "reason": request.reason_id}

    return transition(
        order_id=order_id,
        seller=seller,
        action="accept_cancellation_request",
        actor=actor,
        guard=guard,
        also_save=("on_hold_reason",),
    )


def reject_cancellation_request(
    *, order_id: int, seller: Seller, actor, reason: str, tracking_number: str = ""
) -> CancellationRequest:
    """The seller refuses with a reason; a shipped order needs the tracking number of its shipment."""
    reason = _clean(reason)
    tracking_number = _clean(tracking_number, 100)
    if not reason:
        raise ValidationFailed(
            _("Indica el motivo del rechazo."), fields={"reason": [_("Indica el motivo del rechazo.")]}
        )
    with transaction.atomic():
        order = _lock_order(order_id=order_id, seller=seller)
        request = _pending_request_locked(order)
        shipment = Shipment.objects.filter(order=order).first()
        if order.status == Status.SHIPPED or shipment is not None:
            if not tracking_number:
                raise ValidationFailed(
                    _("La orden ya fue enviada: indica el número de seguimiento de su envío para rechazar."),
                    fields={"tracking_number": [_("requerido para una orden enviada")]},
                )
            if shipment is None or shipment.tracking_number.strip().upper() != tracking_number.upper():
                raise ValidationFailed(
                    _("El número de seguimiento no coincide con el del envío de esta orden."),
                    fields={"tracking_number": [_("no coincide con el envío")]},
                )
        elif tracking_number:
            raise ValidationFailed(
                _("La orden aún no tiene envío: rechaza sin número de seguimiento."),
                fields={"tracking_number": [_("la orden no tiene envío")]},
            )
        request.status = RequestStatus.REJECTED
        request.answered_at = timezone.now()
        request.answered_by = _user(actor)
        request.rejection_reason = reason
        request.rejection_tracking_number = tracking_number
        request.save(
            update_fields=["status", "answered_at", "answered_by", "rejection_reason", "rejection_tracking_number"]
        )
        _set_hold(order, "")
        record_event(
            order=order,
            kind="cancellation_request_rejected",
            actor=actor,
            payload={"request_id": request.pk, "text": reason, "tracking_number": tracking_number},
        )
    return request


def _lapse_request(*, request_id: int) -> bool:
    """A pending request whose order can no longer be canceled (e.g. delivered): it ends without effect."""
    with transaction.atomic():
        request = CancellationRequest.objects.filter(pk=request_id).select_related("order").first()
        if request is None:
            return False
        order = _lock_order(order_id=request.order_id, seller=request.order.seller)
        updated = CancellationRequest.objects.filter(pk=request_id, status=RequestStatus.PENDING).update(
            status=RequestStatus.LAPSED, answered_at=timezone.now()
        )
        if not updated:
            return False
        _set_hold(order, "")
        record_event(order=order, kind="cancellation_request_lapsed", payload={"request_id": request_id})
    return True


def accept_overdue_cancellation_requests(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat: a request unanswered at its deadline is accepted. Safe to run twice at once."""
    now = now or timezone.now()
    due = list(
        CancellationRequest.objects.filter(status=RequestStatus.PENDING, deadline__lte=now)
        .select_related("seller")
        .order_by("deadline")[:limit]
    )
    accepted = 0
    for request in due:
        try:
            accept_cancellation_request(order_id=request.order_id, seller=request.seller, actor=None, automatic=True)
            accepted += 1
        except InvalidTransition:
            _lapse_request(request_id=request.pk)
        except (Conflict, NotFound):
            continue  # answered meanwhile, or taken by a concurrent sweep
    return accepted


# --- Disputes --------------------------------------------------------------------------------------


def open_dispute(
    *,
    order_id: int,
    seller: Seller,
    actor,
    party: str,
    reason_code: str,
    text: str,
    responsible: str,
    reference: str = "",
) -> tuple[Dispute, bool]:
    """ "Crear controversia" (seller, after handling), or the buyer through intake, or an operator."""
    text = _clean(text)
    responsible = _clean(responsible, 150)
    reference = _clean(reference, 80)
    errors = {}
    try:
        reason = _reason(reason_code, party=party, dispute=True, field="reason")
    except ValidationFailed as bad:
        errors.update(bad.fields)
    if not text:
        errors["text"] = [_("Escribe el texto de la controversia.")]
    if not responsible:
        errors["responsible"] = [_("Indica nombre y apellido del responsable.")]
    if errors:
        raise ValidationFailed(_("Revisa los datos de la controversia."), fields=errors)
    if party == Party.OPERATOR and not getattr(actor, "is_staff", False):
        raise OperatorOnly(_("Solo un operador del marketplace abre controversias como operador."))
    if reference:
        existing = Dispute.objects.filter(order_id=order_id, seller=seller, reference=reference).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            order = _lock_order(order_id=order_id, seller=seller)
            if order.status == Status.PENDING_HANDLING and party == Party.SELLER:
                raise Conflict(
                    _("La orden aún está «Para manejo»: si no puedes atenderla, usa «Cancelar»."),
                    code="invalid_state",
                )
            if order.status == Status.CANCELED:
                raise Conflict(_("La orden está cancelada: no admite controversias."), code="invalid_state")
            now = timezone.now()
            awaits_seller = party != Party.SELLER
            dispute = Dispute.objects.create(
                seller=seller,
                order=order,
                reason=reason,
                opened_by_party=party,
                opened_by=_user(actor),
                text=text,
                responsible=responsible,
                reference=reference,
                status=DisputeStatus.AWAITING_SELLER if awaits_seller else DisputeStatus.OPEN,
                respond_by=now + dispute_response_window() if awaits_seller else None,
            )
            record_event(
                order=order,
                kind="dispute_opened",
                actor=actor,
                payload={
                    "dispute_id": dispute.pk,
                    "reason": reason.code,
                    "party": party,
                    "text": text,
                    "responsible": responsible,
                    "respond_by": dispute.respond_by.isoformat() if dispute.respond_by else None,
                },
            )
            if awaits_seller:
                notice = _message(
                    gettext_noop(
                        "Nueva controversia en la orden #%(number)s (%(reason)s): responde antes de %(deadline)s."
                    ),
                    number=order.number,
                    reason=lambda: reason.label,
                    deadline=timezone.localtime(dispute.respond_by).strftime("%d/%m %H:%M"),
                )
            else:
                notice = _message(
                    gettext_noop("Se abrió una controversia en la orden #%(number)s (%(reason)s)."),
                    number=order.number,
                    reason=lambda: reason.label,
                )
            _notify(seller_id=seller.pk, order_id=order.pk, kind=NOTICE_DISPUTE, render=notice)
    except IntegrityError:
        if reference:
            existing = Dispute.objects.filter(order_id=order_id, seller=seller, reference=reference).first()
            if existing is not None:
                return existing, False
        raise Conflict(
            _("La orden ya tiene una controversia abierta: escribe en ella."),
            code="dispute_open",
            fields={"dispute_id": [str(pk) for pk in active_dispute_ids(order_id=order_id)]},
        ) from None
    return dispute, True


def active_dispute_ids(*, order_id: int) -> list[int]:
    return list(
        Dispute.objects.filter(order_id=order_id, status__in=DisputeStatus.active()).values_list("pk", flat=True)
    )


def _store_attachments(files: Iterable[UploadedFile]) -> list[DisputeAttachment]:
    """Check every file like delivery evidence, then store them (not yet linked to a message)."""
    files = [f for f in files if f]
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("Adjunta como máximo %(max)d archivos.") % {"max": MAX_ATTACHMENTS},
            fields={"attachments": [_("demasiados archivos")]},
        )
    checked = [(upload, check_upload(upload)) for upload in files]  # all judged before any is stored
    stored = []
    try:
        for upload, result in checked:
            attachment = DisputeAttachment(
                content_type=result.content_type,
                size_bytes=result.size_bytes,
                sha256=result.sha256,
                original_filename=(getattr(upload, "name", "") or "")[:200],
            )
            attachment.file_extension = result.extension
            attachment.file.save("upload", upload, save=False)
            stored.append(attachment)
    except BaseException:
        _delete_files(stored)
        raise
    return stored


def _delete_files(attachments: list[DisputeAttachment]) -> None:
    for attachment in attachments:
        if attachment.file:
            attachment.file.storage.delete(attachment.file.name)


def post_message(
    *,
    dispute_id: int,
    seller: Seller,
    actor,
    party: str,
    text: str,
    attachments: Iterable[UploadedFile] = (),
    ask_seller: bool = False,
    reference: str = "",
) -> DisputeMessage:
    """Add to a live dispute's thread. The seller's answer hands the turn to the buyer; the buyer's
    or an operator's (when `ask_seller`) gives the seller 5 days from now."""
    text = _clean(text)
    if not text:
        raise ValidationFailed(_("Escribe un mensaje."), fields={"text": [_("Escribe un mensaje.")]})
    if party == Party.OPERATOR and not getattr(actor, "is_staff", False):
        raise OperatorOnly(_("Solo un operador del marketplace escribe como operador."))
    if not Dispute.objects.filter(pk=dispute_id, seller=seller).exists():
        raise NotFound(_("Controversia no encontrada."))
    reference = _clean(reference, 80)
    if reference:
        # a resent feed message: the first one stands (the unique constraint guards a race)
        already = DisputeMessage.objects.filter(dispute_id=dispute_id, reference=reference).first()
        if already is not None:
            return already
    stored = _store_attachments(attachments)
    try:
        with transaction.atomic():
            dispute = Dispute.objects.select_for_update().select_related("order").get(pk=dispute_id, seller=seller)
            if not dispute.is_active:
                raise Conflict(
                    _("La controversia está «%(status)s»: ya no admite mensajes.")
                    % {"status": dispute.get_status_display()},
                    code="dispute_closed",
                )
            message = DisputeMessage.objects.create(
                dispute=dispute,
                seller=seller,
                party=party,
                author=_user(actor),
                author_label=actor_label(actor) if _user(actor) else str(Party(party).label),
                text=text,
                reference=reference,
            )
            for attachment in stored:
                attachment.message = message
                attachment.seller = seller
                attachment.save()
            now = timezone.now()
            fields = ["updated_at"]
            if party == Party.SELLER and dispute.status == DisputeStatus.AWAITING_SELLER:
                dispute.status, dispute.respond_by, dispute.warned_at = DisputeStatus.AWAITING_BUYER, None, None
                fields += ["status", "respond_by", "warned_at"]
            elif party == Party.BUYER or (party == Party.OPERATOR and ask_seller):
                dispute.status = DisputeStatus.AWAITING_SELLER
                dispute.respond_by, dispute.warned_at = now + dispute_response_window(), None
                fields += ["status", "respond_by", "warned_at"]
            dispute.save(update_fields=fields)
            record_event(
                order=dispute.order,
                kind="dispute_message",
                actor=actor,
                payload={
                    "dispute_id": dispute.pk,
                    "message_id": message.pk,
                    "party": party,
                    "text": text,
                    "attachments": len(stored),
                    "status": dispute.status,
                },
            )
            if party != Party.SELLER:
                _notify(
                    seller_id=seller.pk,
                    order_id=dispute.order_id,
                    kind=NOTICE_DISPUTE_MESSAGE,
                    render=_message(
                        gettext_noop("Nuevo mensaje en la controversia de la orden #%(number)s."),
                        number=dispute.order.number,
                    ),
                )
    except IntegrityError:
        _delete_files(stored)
        already = DisputeMessage.objects.filter(dispute_id=dispute_id, reference=reference).first()
        if reference and already is not None:
            return already  # the same feed message delivered twice at once
        raise
    except BaseException:
        _delete_files(stored)
        raise
    return message


def _require_operator(*, actor, dispute: Dispute) -> None:
    if actor is None:
        return  # the system itself (the overdue sweep)
    if not getattr(actor, "is_staff", False):
        raise OperatorOnly(_("Solo un operador del marketplace resuelve o cierra controversias."))
    if Membership.objects.filter(user=actor, seller_id=dispute.seller_id).exists():
        raise OperatorOnly(_("No puedes resolver una controversia de un seller del que eres miembro."))


def has_valid_delivery_evidence(order: Order) -> bool:
    """At least one proof that still counts: not rejected by an operator's review, not superseded.

    Before evidence reviews exist every stored proof counts; with them, `counts_as_valid` decides.
    """
    return any(getattr(e, "counts_as_valid", True) for e in DeliveryEvidence.objects.filter(order=order))


def _parse_amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Monto no válido."), fields={"refund_amount": [_("monto no válido")]}) from None
    if not amount.is_finite():
        raise ValidationFailed(_("Monto no válido."), fields={"refund_amount": [_("monto no válido")]})
    return amount.quantize(Decimal("0.01"))


def resolve_dispute(
    *,
    dispute_id: int,
    actor,
    outcome: str,
    note: str = "",
    refund_amount=None,
    expect_overdue: bool = False,
) -> Dispute:
    """An operator settles a dispute (or the sweep, with `actor=None`, when the seller did not answer).

    For the buyer: a refund of the total; the order becomes "Cancelada" unless it was delivered with
    valid evidence; a delivered order without valid evidence counts as not delivered, seller liable.
    """
    note = _clean(note)
    if outcome not in Resolution.values:
        raise ValidationFailed(_("Elige una resolución."), fields={"outcome": [_("valor no válido")]})
    amount = _parse_amount(refund_amount)
    dispute = Dispute.objects.filter(pk=dispute_id).select_related("order", "seller").first()
    if dispute is None:
        raise NotFound(_("Controversia no encontrada."))
    _require_operator(actor=actor, dispute=dispute)
    with transaction.atomic():
        order = _lock_order(order_id=dispute.order_id, seller=dispute.seller)
        dispute = Dispute.objects.select_for_update().get(pk=dispute_id)
        now = timezone.now()
        if not dispute.is_active:
            raise Conflict(
                _("La controversia ya está «%(status)s».") % {"status": dispute.get_status_display()},
                code="dispute_closed",
            )
        if expect_overdue and (
            dispute.status != DisputeStatus.AWAITING_SELLER or dispute.respond_by is None or dispute.respond_by > now
        ):
            raise Conflict(_("La controversia ya no está vencida."), code="not_due")
        delivered_with_proof = order.status == Status.DELIVERED and has_valid_delivery_evidence(order)
        no_valid_evidence = order.status == Status.DELIVERED and not delivered_with_proof
        if outcome == Resolution.FOR_BUYER:
            amount, liable = order.total, True
        elif outcome == Resolution.FOR_SELLER:
            amount, liable = None, False
        else:
            if amount is None or not (Decimal("0") < amount < order.total):
                raise ValidationFailed(
                    _("Una resolución parcial indica un reembolso mayor que 0 y menor que el total (%(total)s).")
                    % {"total": order.total},
                    fields={"refund_amount": [_("fuera de rango")]},
                )
            liable = None
        if outcome != Resolution.PARTIAL and not note:
            note = (
                _("Sin respuesta del seller dentro del plazo: se resuelve a favor del comprador.")
                if actor is None
                else ""
            )
        if outcome == Resolution.PARTIAL and not note:
            raise ValidationFailed(_("Explica la resolución parcial."), fields={"note": [_("requerido")]})
        dispute.status = DisputeStatus.RESOLVED
        dispute.resolution = outcome
        dispute.resolution_note = note
        dispute.refund_amount = amount
        dispute.seller_liable = liable
        dispute.resolved_by = _user(actor)
        dispute.resolved_at = now
        dispute.respond_by = None
        dispute.save()
        payload = {
            "dispute_id": dispute.pk,
            "resolution": outcome,
            "text": note,
            "refund_amount": str(amount) if amount is not None else None,
            "no_valid_evidence": no_valid_evidence,
            "overdue": actor is None,
        }
        record_event(order=order, kind="dispute_resolved", actor=actor, payload=payload)
        if amount:
            # the ledger records the refund (of what was actually received) in this transaction
            refund_owed.send(sender=Dispute, order=order, amount=amount, actor=actor, dispute_id=dispute.pk)
        if outcome == Resolution.FOR_BUYER and order.status != Status.CANCELED and not delivered_with_proof:
            _refund_order(order=order, dispute=dispute, actor=actor, no_valid_evidence=no_valid_evidence)
        _notify(
            seller_id=dispute.seller_id,
            order_id=order.pk,
            kind=NOTICE_DISPUTE,
            render=_message(
                gettext_noop("La controversia de la orden #%(number)s se resolvió: %(resolution)s."),
                number=order.number,
                resolution=Resolution(outcome).label,
            ),
        )
    return dispute


def _refund_order(*, order: Order, dispute: Dispute, actor, no_valid_evidence: bool) -> None:
    def guard(locked: Order) -> dict:
        # a buyer's pending cancellation request has nothing left to decide
        pending = CancellationRequest.objects.filter(order=locked, status=RequestStatus.PENDING)
        pending.update(status=RequestStatus.LAPSED, answered_at=timezone.now())
        locked.on_hold_reason = ""
        Cancellation.objects.get_or_create(
            order=locked,
            defaults={
                "seller": dispute.seller,
                "reason": dispute.reason,
                "text": dispute.resolution_note or dispute.text,
                "responsible": dispute.responsible,
                "created_by": _user(actor),
            },
        )
        release_reservations(order=locked, actor=actor)
        return {"dispute_id": dispute.pk, "no_valid_evidence": no_valid_evidence, "seller_liable": True}

    transition(
        order_id=order.pk,
        seller=dispute.seller,
        action="refund_by_dispute",
        actor=actor,
        guard=guard,
        also_save=("on_hold_reason",),
    )


def close_dispute(*, dispute_id: int, actor, note: str) -> Dispute:
    """An operator ends a dispute without a resolution (withdrawn, duplicate)."""
    note = _clean(note)
    if not note:
        raise ValidationFailed(_("Explica por qué se cierra."), fields={"note": [_("requerido")]})
    dispute = Dispute.objects.filter(pk=dispute_id).select_related("order").first()
    if dispute is None:
        raise NotFound(_("Controversia no encontrada."))
    _require_operator(actor=actor, dispute=dispute)
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().select_related("order").get(pk=dispute_id)
        if not dispute.is_active:
            raise Conflict(
                _("La controversia ya está «%(status)s».") % {"status": dispute.get_status_display()},
                code="dispute_closed",
            )
        dispute.status, dispute.respond_by, dispute.resolution_note = DisputeStatus.CLOSED, None, note
        dispute.save(update_fields=["status", "respond_by", "resolution_note", "updated_at"])
        record_event(
            order=dispute.order, kind="dispute_closed", actor=actor, payload={"dispute_id": dispute.pk, "text": note}
        )
    return dispute


def reassign_dispute(*, dispute_id: int, actor, operator) -> Dispute:
    """Hand a dispute to another operator (a staff user)."""
    if not getattr(actor, "is_staff", False):
        raise OperatorOnly(_("Solo un operador del marketplace reasigna controversias."))
    if operator is None or not operator.is_staff or not operator.is_active:
        raise ValidationFailed(_("Elige un operador activo."), fields={"operator": [_("no es operador")]})
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().select_related("order").filter(pk=dispute_id).first()
        if dispute is None:
            raise NotFound(_("Controversia no encontrada."))
        dispute.assigned_to = operator
        dispute.save(update_fields=["assigned_to", "updated_at"])
        record_event(
            order=dispute.order,
            kind="dispute_reassigned",
            actor=actor,
            payload={"dispute_id": dispute.pk, "operator": operator.get_username()},
        )
    return dispute


def resolve_overdue_disputes(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat: a dispute whose seller did not answer in time is resolved for the buyer, once."""
    now = now or timezone.now()
    due = list(
        Dispute.objects.filter(status=DisputeStatus.AWAITING_SELLER, respond_by__lte=now)
        .order_by("respond_by")
        .values_list("pk", flat=True)[:limit]
    )
    resolved = 0
    for dispute_id in due:
        try:
            resolve_dispute(dispute_id=dispute_id, actor=None, outcome=Resolution.FOR_BUYER, expect_overdue=True)
            resolved += 1
        except (Conflict, NotFound):
            continue  # answered meanwhile, or settled by a concurrent sweep
        except DomainError:
            log.exception("overdue dispute %s could not be resolved", dispute_id)
    return resolved


def warn_approaching_deadlines(*, now: datetime | None = None) -> int:
    """Beat: one notice per request or dispute whose deadline is within the lead time."""
    now = now or timezone.now()
    horizon = now + warning_lead_time()
    sent = 0
    requests = CancellationRequest.objects.filter(
        status=RequestStatus.PENDING, warned_at__isnull=True, deadline__lte=horizon, deadline__gt=now
    ).select_related("order")
    for request in requests:
        # the conditional UPDATE is the guard: two sweeps, one notice
        with transaction.atomic():
            if CancellationRequest.objects.filter(pk=request.pk, warned_at__isnull=True).update(warned_at=now):
                sent += 1
                _notify(
                    seller_id=request.seller_id,
                    order_id=request.order_id,
                    kind=NOTICE_DEADLINE_WARNING,
                    render=_message(
                        gettext_noop(
                            "La solicitud de cancelación de la orden #%(number)s vence el %(deadline)s: "
                            "si no respondes, se acepta."
                        ),
                        number=request.order.number,
                        deadline=timezone.localtime(request.deadline).strftime("%d/%m %H:%M"),
                    ),
                )
    disputes = Dispute.objects.filter(
        status=DisputeStatus.AWAITING_SELLER, warned_at__isnull=True, respond_by__lte=horizon, respond_by__gt=now
    ).select_related("order")
    for dispute in disputes:
        with transaction.atomic():
            if Dispute.objects.filter(
                pk=dispute.pk, warned_at__isnull=True, status=DisputeStatus.AWAITING_SELLER
            ).update(warned_at=now):
                sent += 1
                _notify(
                    seller_id=dispute.seller_id,
                    order_id=dispute.order_id,
                    kind=NOTICE_DEADLINE_WARNING,
                    render=_message(
                        gettext_noop(
                            "La controversia de la orden #%(number)s vence el %(deadline)s: "
                            "si no respondes, se resuelve a favor del comprador."
                        ),
                        number=dispute.order.number,
                        deadline=timezone.localtime(dispute.respond_by).strftime("%d/%m %H:%M"),
                    ),
                )
    return sent
