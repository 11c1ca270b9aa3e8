"""The texts members get about their evidence and delivery attempts (notifications sends them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from evidence.models import DeliveryAttempt, DeliveryEvidence, ReviewState
from orders.models import Order, Status
from sellers.models import Seller


@dataclass(frozen=True)
class Notice:
    seller: Seller
    order: Order
    kind: str  # a notifications.NotificationKind value
    text: str
    subject: str = ""  # an e-mail too when set


def evidence_review_notice(evidence_id: int) -> Notice | None:
    evidence = DeliveryEvidence.objects.select_related("order", "seller").filter(pk=evidence_id).first()
    if evidence is None or evidence.review_state == ReviewState.PENDING:
        return None
    values = {"number": evidence.order.number, "kind": evidence.get_kind_display()}
    if evidence.review_state == ReviewState.ACCEPTED:
        text = _("Orden #%(number)s: tu evidencia «%(kind)s» fue aceptada.") % values
    else:
        text = _("Orden #%(number)s: tu evidencia «%(kind)s» fue rechazada: %(reason)s. Puedes agregar otra.") % {
            **values,
            "reason": evidence.rejection_reason.strip().rstrip("."),
        }
    return Notice(evidence.seller, evidence.order, "evidence_reviewed", text)


def attempt_notice(attempt_id: int) -> Notice | None:
    attempt = DeliveryAttempt.objects.select_related("order", "seller").filter(pk=attempt_id).first()
    if attempt is None:
        return None
    order = attempt.order
    values = {"number": order.number, "attempt": attempt.number, "reason": attempt.get_reason_display()}
    if order.status == Status.RETURNED:
        text = (
            _(
                "Orden #%(number)s devuelta al vendedor tras %(attempt)d intentos de entrega fallidos "
                "(último: %(reason)s)."
            )
            % values
        )
        subject = _("Orden #%(number)s devuelta al vendedor") % values
        return Notice(attempt.seller, order, "order_returned", text, subject)
    text = _("Orden #%(number)s: intento de entrega %(attempt)d fallido (%(reason)s).") % values
    return Notice(attempt.seller, order, "delivery_attempt", text)
