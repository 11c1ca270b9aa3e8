"""Reads of cancellations, buyer requests and disputes; every one is scoped to a seller (or a member)."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, QuerySet

from core.errors import NotFound
from disputes.models import (
    CancellationReason,
    CancellationRequest,
    Dispute,
    DisputeAttachment,
    DisputeMessage,
    DisputeStatus,
    Party,
    RequestStatus,
)
from orders.models import Order
from sellers.models import Membership, Seller

PARTY_FLAG = {Party.SELLER: "usable_by_seller", Party.BUYER: "usable_by_buyer", Party.OPERATOR: "usable_by_operator"}


def usable_reasons(*, party: str, dispute: bool) -> QuerySet[CancellationReason]:
    """The active reasons `party` may pick: dispute types, or cancellation reasons."""
    purpose = {"is_dispute_type": True} if dispute else {"is_cancellation": True}
    return CancellationReason.objects.filter(active=True, **{PARTY_FLAG[party]: True}, **purpose)


def seller_cancellation_choices() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in usable_reasons(party=Party.SELLER, dispute=False)]


def seller_dispute_choices() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in usable_reasons(party=Party.SELLER, dispute=True)]


def _int_or_404(value, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(what) from None


def dispute_list(*, seller: Seller, status: str | None = None) -> QuerySet[Dispute]:
    """The seller's disputes; the ones waiting for the seller first, by how soon they are due."""
    disputes = Dispute.objects.filter(seller=seller).select_related("order", "reason")
    if status:
        disputes = disputes.filter(status=status)
    return disputes.order_by(F("respond_by").asc(nulls_last=True), "-created_at", "-id")


def dispute_counts(*, seller: Seller) -> dict[str, int]:
    counts = dict.fromkeys(DisputeStatus.values, 0)
    counts.update(
        Dispute.objects.filter(seller=seller).values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    counts["all"] = sum(counts[s] for s in DisputeStatus.values)
    return counts


def dispute_detail(*, seller: Seller, dispute_id) -> Dispute:
    """One of the seller's disputes with its thread; another seller's id is NotFound."""
    dispute_id = _int_or_404(dispute_id, "Controversia no encontrada.")
    dispute = (
        Dispute.objects.filter(seller=seller, pk=dispute_id)
        .select_related("order", "order__site", "reason")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=DisputeMessage.objects.prefetch_related("attachments").order_by("created_at", "id"),
            )
        )
        .first()
    )
    if dispute is None:
        raise NotFound("Controversia no encontrada.")
    return dispute


def order_disputes(*, seller: Seller, order: Order) -> list[Dispute]:
    return list(Dispute.objects.filter(seller=seller, order=order).select_related("reason").order_by("-created_at"))


def pending_cancellation_request(*, seller: Seller, order: Order) -> CancellationRequest | None:
    return (
        CancellationRequest.objects.filter(seller=seller, order=order, status=RequestStatus.PENDING)
        .select_related("reason")
        .first()
    )


def latest_cancellation_request(*, seller: Seller, order: Order) -> CancellationRequest | None:
    return (
        CancellationRequest.objects.filter(seller=seller, order=order)
        .select_related("reason")
        .order_by("-created_at", "-id")
        .first()
    )


def stored_attachment(*, seller: Seller, attachment_id) -> DisputeAttachment:
    attachment_id = _int_or_404(attachment_id, "Adjunto no encontrado.")
    attachment = DisputeAttachment.objects.filter(pk=attachment_id, seller=seller).first()
    if attachment is None:
        raise NotFound("Adjunto no encontrado.")
    return attachment


def attachment_for_member(*, user, attachment_id) -> DisputeAttachment:
    """An attachment, only for a member of its seller (operators read it through the admin)."""
    attachment_id = _int_or_404(attachment_id, "Adjunto no encontrado.")
    member_of = Membership.objects.filter(user=user, seller__is_active=True).values("seller_id")
    attachment = DisputeAttachment.objects.filter(pk=attachment_id, seller_id__in=member_of).first()
    if attachment is None:
        raise NotFound("Adjunto no encontrado.")
    return attachment


def latest_dispute(*, order) -> Dispute | None:
    """The order's most recent dispute (at most one is live at a time)."""
    return Dispute.objects.filter(order=order).order_by("-created_at", "-id").first()
