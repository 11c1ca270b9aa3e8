"""Reads the dashboard needs beyond orders.selectors; every one is scoped to a seller or a member."""

from __future__ import annotations

from django.db.models import QuerySet

from core.errors import NotFound
from disputes.models import Cancellation
from evidence.models import DeliveryEvidence
from fulfillment.models import Shipment
from notifications.models import Notification
from orders.models import Order
from orders.selectors import order_detail
from sellers.models import Membership, Seller


def order_page(*, seller: Seller, order_id) -> dict:
    """The order with its shipment, evidence and cancellation, or NotFound for another seller's id."""
    order = order_detail(seller=seller, order_id=order_id)
    return {
        "order": order,
        "shipment": Shipment.objects.filter(order=order, seller=seller).first(),
        "evidence": list(DeliveryEvidence.objects.filter(order=order, seller=seller).order_by("created_at", "id")),
        "cancellation": Cancellation.objects.filter(order=order, seller=seller).first(),
    }


def order_exists(*, seller: Seller, order_id) -> bool:
    try:
        return Order.objects.filter(seller=seller, pk=int(order_id)).exists()
    except (TypeError, ValueError):
        return False


def evidence_for_member(*, user, evidence_id) -> DeliveryEvidence:
    """A stored evidence file, only for a member of the evidence's seller (operators use the admin)."""
    try:
        evidence_id = int(evidence_id)
    except (TypeError, ValueError):
        raise NotFound("Evidencia no encontrada.") from None
    member_of = Membership.objects.filter(user=user, seller__is_active=True).values("seller_id")
    evidence = DeliveryEvidence.objects.filter(pk=evidence_id, seller_id__in=member_of).exclude(file="").first()
    if evidence is None:
        raise NotFound("Evidencia no encontrada.")
    return evidence


def notifications_for(*, user, seller: Seller, limit: int = 100) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user, seller=seller)
        .select_related("order")
        .order_by("-created_at", "-id")[:limit]
    )
