"""Reads of evidence and delivery attempts, always scoped to a seller (or an order already scoped)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.errors import NotFound
from evidence.models import DeliveryAttempt, DeliveryEvidence, ReviewState
from orders.models import Order
from sellers.models import Seller


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("Evidencia no encontrada.") from None


def valid_evidence(*, order: Order) -> QuerySet[DeliveryEvidence]:
    """The order's evidence that still counts: not rejected by an operator, not superseded."""
    return DeliveryEvidence.objects.filter(order=order, superseded_by__isnull=True).exclude(
        review_state=ReviewState.REJECTED
    )


def has_valid_delivery_evidence(order: Order) -> bool:
    """What a dispute asks: is there at least one proof of delivery that still stands?

    Pending (not yet reviewed) evidence counts; rejected or superseded evidence does not.
    """
    return valid_evidence(order=order).exists()


def order_evidence(*, seller: Seller, order: Order) -> list[DeliveryEvidence]:
    """Every evidence of the order, oldest first, superseded and rejected ones included."""
    return list(
        DeliveryEvidence.objects.filter(order=order, seller=seller)
        .select_related("supersedes", "superseded_by")
        .order_by("created_at", "id")
    )


def evidence_detail(*, seller: Seller, evidence_id) -> DeliveryEvidence:
    """One of the seller's evidence (file or link); another seller's id is NotFound."""
    evidence = (
        DeliveryEvidence.objects.filter(pk=_as_id(evidence_id), seller=seller)
        .select_related("order", "supersedes", "superseded_by")
        .first()
    )
    if evidence is None:
        raise NotFound("Evidencia no encontrada.")
    return evidence


def stored_evidence(*, seller: Seller, evidence_id) -> DeliveryEvidence:
    """One of the seller's uploaded evidence files; another seller's id (or a link) is NotFound."""
    evidence = DeliveryEvidence.objects.filter(pk=_as_id(evidence_id), seller=seller).exclude(file="").first()
    if evidence is None:
        raise NotFound("Evidencia no encontrada.")
    return evidence


def order_attempts(*, seller: Seller, order: Order) -> list[DeliveryAttempt]:
    return list(DeliveryAttempt.objects.filter(order=order, seller=seller).order_by("number"))


def attempt_photo(*, seller: Seller, attempt_id) -> DeliveryAttempt:
    attempt = DeliveryAttempt.objects.filter(pk=_as_id(attempt_id), seller=seller).exclude(photo="").first()
    if attempt is None:
        raise NotFound("Foto no encontrada.")
    return attempt
