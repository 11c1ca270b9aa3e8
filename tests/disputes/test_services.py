"""Cancellations, buyer cancellation requests and disputes through their services."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from catalog.models import StockItem
from core.errors import Conflict, InvalidTransition, NotFound, UnsupportedMediaType, ValidationFailed
from disputes.models import (
    Cancellation,
    CancellationReason,
    CancellationRequest,
    Dispute,
    DisputeAttachment,
    DisputeStatus,
    Party,
    RequestStatus,
    Resolution,
)
from disputes.services import (
    OperatorOnly,
    accept_cancellation_request,
    accept_overdue_cancellation_requests,
    cancel_order,
    close_dispute,
    open_dispute,
    post_message,
    reject_cancellation_request,
    request_cancellation,
    resolve_dispute,
    resolve_overdue_disputes,
    warn_approaching_deadlines,
)
from evidence.models import DeliveryEvidence
from fulfillment.services import ship, start_handling
from notifications.models import Notification
from orders.models import HoldReason, OrderEvent, PaymentStatus, Status
from tests.disputes.conftest import fake_png, png_upload, state
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def reserved(order) -> int:
    return StockItem.objects.get(sku=order.lines.get().sku).quantity_reserved


def buyer_dispute(order, **kwargs):
    defaults = {"reason_code": "product_damaged", "text": "Llegó roto", "responsible": "Comprador"}
    return open_dispute(
        order_id=order.pk, seller=order.seller, actor=None, party=Party.BUYER, **{**defaults, **kwargs}
    )[0]


def seller_dispute(order, actor, **kwargs):
    """(dispute, created) for a dispute the seller's member opens; any field may be changed."""
    defaults = {"reason_code": "canceled_by_seller", "text": "Sin stock", "responsible": "Ana"}
    return open_dispute(
        order_id=order.pk, seller=order.seller, actor=actor, party=Party.SELLER, **{**defaults, **kwargs}
    )


# --- reasons ---------------------------------------------------------------------------------------


def test_the_issue_reasons_are_seeded_with_both_labels():
    codes = set(CancellationReason.objects.values_list("code", flat=True))
    assert codes >= {
        "canceled_by_seller",
        "buyer_request",
        "payment_not_confirmed",
        "address_not_served",
        "fraud_suspicion",
        "product_not_received",
        "product_damaged",
        "product_not_as_described",
        "product_incomplete",
    }
    assert not CancellationReason.objects.filter(label_en="").exists()


def test_the_label_follows_the_active_language():
    reason = CancellationReason.objects.get(code="canceled_by_seller")
    with translation.override("es"):
        assert reason.label == "Cancelado por el seller [CS] (quiebre de stock)"
    with translation.override("en"):
        assert reason.label == "Canceled by seller [CS] (stock break)"


def test_an_inactive_reason_is_refused(order_in, owner, seller):
    CancellationReason.objects.filter(code="fraud_suspicion").update(active=False)
    order = order_in(Status.PENDING_HANDLING)
    with pytest.raises(ValidationFailed) as refused:
        cancel_order(
            order_id=order.pk,
            seller=seller,
            actor=owner,
            cancellation_type="fraud_suspicion",
            text="x",
            responsible="y",
        )
    assert "cancellation_type" in refused.value.fields
    assert order.status == Status.PENDING_HANDLING


# --- seller cancellation ---------------------------------------------------------------------------


def test_seller_cancellation_records_reason_text_responsible_who_and_when(order_in, owner, seller):
    order = order_in(Status.PENDING_HANDLING)
    cancel_order(
        order_id=order.pk,
        seller=seller,
        actor=owner,
        cancellation_type="canceled_by_seller",
        text="Quiebre de stock",
        responsible="Ana Pérez",
    )
    cancellation = Cancellation.objects.get(order=order)
    assert cancellation.reason.code == cancellation.cancellation_type == "canceled_by_seller"
    assert (cancellation.text, cancellation.responsible, cancellation.created_by) == (
        "Quiebre de stock",
        "Ana Pérez",
        owner,
    )
    assert cancellation.created_at is not None
    order.refresh_from_db()
    assert order.status == Status.CANCELED


def test_cancel_after_handling_points_to_crear_controversia(order_in, owner, seller):
    order = order_in(Status.READY_TO_SHIP)
    before = state(order)
    with pytest.raises(InvalidTransition) as refused:
        cancel_order(
            order_id=order.pk,
            seller=seller,
            actor=owner,
            cancellation_type="canceled_by_seller",
            text="x",
            responsible="y",
        )
    assert refused.value.status_code == 409 and "Crear controversia" in refused.value.message
    assert state(order) == before
    assert not Cancellation.objects.filter(order=order).exists()


# --- buyer cancellation requests -------------------------------------------------------------------


def test_a_request_holds_the_order_for_72_hours_and_notifies(
    order_in, seller, owner, django_capture_on_commit_callbacks
):
    order = order_in(Status.PENDING_HANDLING)
    with django_capture_on_commit_callbacks(execute=True):
        request, created = request_cancellation(order_id=order.pk, seller=seller, text="Me equivoqué de talla")
    order.refresh_from_db()
    assert created and request.status == RequestStatus.PENDING
    assert order.on_hold_reason == HoldReason.CANCELLATION_REQUEST
    assert abs((request.deadline - timezone.now()) - timedelta(hours=72)) < timedelta(seconds=5)
    assert order.events.filter(kind="cancellation_requested").count() == 1
    assert Notification.objects.filter(user=owner, order=order, kind="cancellation_request").count() == 1
    # and while it waits, "Iniciar manejo" is refused
    with pytest.raises(InvalidTransition):
        start_handling(order_id=order.pk, seller=seller, actor=owner)


def test_a_resent_request_is_the_same_request_and_a_second_one_is_409(order_in, seller):
    order = order_in(Status.READY_TO_SHIP)
    first, _ = request_cancellation(order_id=order.pk, seller=seller, reference="MKT-1")
    again, created = request_cancellation(order_id=order.pk, seller=seller, reference="MKT-1")
    assert again.pk == first.pk and not created
    with pytest.raises(Conflict):
        request_cancellation(order_id=order.pk, seller=seller, reference="MKT-2")
    assert CancellationRequest.objects.filter(order=order).count() == 1


def test_a_delivered_order_cannot_be_asked_to_cancel(order_in, seller):
    order = order_in(Status.DELIVERED)
    before = state(order)
    with pytest.raises(Conflict):
        request_cancellation(order_id=order.pk, seller=seller)
    assert state(order) == before


def test_accepting_cancels_releases_stock_and_clears_the_hold(order_in, seller, owner):
    order = order_in(Status.READY_TO_SHIP)
    assert reserved(order) == 1
    request_cancellation(order_id=order.pk, seller=seller)
    accept_cancellation_request(order_id=order.pk, seller=seller, actor=owner)
    order.refresh_from_db()
    assert order.status == Status.CANCELED and order.on_hold_reason == ""
    assert reserved(order) == 0
    request = CancellationRequest.objects.get(order=order)
    assert request.status == RequestStatus.ACCEPTED and request.answered_by == owner
    assert not request.accepted_automatically
    assert order.events.filter(kind="accept_cancellation_request", to_status=Status.CANCELED).count() == 1
    assert Cancellation.objects.get(order=order).reason.code == "buyer_request"


def test_accepting_without_a_pending_request_is_409(order_in, seller, owner):
    order = order_in(Status.READY_TO_SHIP)
    before = state(order)
    with pytest.raises(Conflict):
        accept_cancellation_request(order_id=order.pk, seller=seller, actor=owner)
    assert state(order) == before


def test_rejecting_a_shipped_order_without_its_tracking_number_is_refused(order_in, seller, owner):
    order = order_in(Status.SHIPPED)
    request_cancellation(order_id=order.pk, seller=seller)
    before = state(order)
    with pytest.raises(ValidationFailed) as missing:
        reject_cancellation_request(order_id=order.pk, seller=seller, actor=owner, reason="Ya salió")
    assert "tracking_number" in missing.value.fields
    with pytest.raises(ValidationFailed) as wrong:
        reject_cancellation_request(
            order_id=order.pk, seller=seller, actor=owner, reason="Ya salió", tracking_number="OTRO-1"
        )
    assert "tracking_number" in wrong.value.fields
    assert state(order) == before


def test_rejecting_a_shipped_order_with_its_tracking_number_releases_the_hold(order_in, seller, owner):
    order = order_in(Status.SHIPPED)
    request_cancellation(order_id=order.pk, seller=seller)
    reject_cancellation_request(
        order_id=order.pk, seller=seller, actor=owner, reason="Ya salió", tracking_number="olv-123456"
    )
    order.refresh_from_db()
    request = CancellationRequest.objects.get(order=order)
    assert request.status == RequestStatus.REJECTED and request.rejection_tracking_number == "olv-123456"
    assert order.status == Status.SHIPPED and order.on_hold_reason == ""
    assert order.events.filter(kind="cancellation_request_rejected").count() == 1


def test_rejecting_before_shipping_needs_only_a_reason_then_the_order_moves_on(order_in, seller, owner):
    order = order_in(Status.READY_TO_SHIP)
    request_cancellation(order_id=order.pk, seller=seller)
    with pytest.raises(ValidationFailed):
        reject_cancellation_request(order_id=order.pk, seller=seller, actor=owner, reason="  ")
    reject_cancellation_request(order_id=order.pk, seller=seller, actor=owner, reason="Ya está empacado")
    ship(order_id=order.pk, seller=seller, actor=owner, carrier="Olva", tracking_number="T-9")
    order.refresh_from_db()
    assert order.status == Status.SHIPPED


def test_an_unanswered_request_is_accepted_at_72_hours_once(order_in, seller):
    order = order_in(Status.READY_TO_SHIP)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        request_cancellation(order_id=order.pk, seller=seller)
        clock.shift(timedelta(hours=71, minutes=59))
        assert accept_overdue_cancellation_requests() == 0
        clock.shift(timedelta(minutes=2))
        assert accept_overdue_cancellation_requests() == 1
        assert accept_overdue_cancellation_requests() == 0
    order.refresh_from_db()
    request = CancellationRequest.objects.get(order=order)
    assert order.status == Status.CANCELED and request.accepted_automatically and request.answered_by is None
    assert order.events.filter(kind="accept_cancellation_request").count() == 1
    assert reserved(order) == 0


def test_a_request_whose_order_was_delivered_meanwhile_lapses(order_in, seller, owner):
    from evidence.services import deliver

    order = order_in(Status.SHIPPED, evidence_url="https://fotos.example.com/e.jpg")
    request_cancellation(order_id=order.pk, seller=seller)
    deliver(order_id=order.pk, seller=seller, actor=owner)  # delivery does not wait for the hold
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        assert accept_overdue_cancellation_requests() == 0
    order.refresh_from_db()
    assert order.status == Status.DELIVERED and order.on_hold_reason == ""
    assert CancellationRequest.objects.get(order=order).status == RequestStatus.LAPSED


def test_deadline_warnings_are_sent_once(order_in, seller, owner, django_capture_on_commit_callbacks):
    request_order = order_in(Status.READY_TO_SHIP)
    dispute_order = order_in(Status.SHIPPED)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        request_cancellation(order_id=request_order.pk, seller=seller)
        buyer_dispute(dispute_order)
        assert warn_approaching_deadlines() == 0  # 72 h and 5 days away
        clock.shift(timedelta(hours=50))
        with django_capture_on_commit_callbacks(execute=True):
            assert warn_approaching_deadlines() == 1  # the request, 22 h before
        clock.shift(timedelta(days=2))
        with django_capture_on_commit_callbacks(execute=True):
            assert warn_approaching_deadlines() == 1  # the dispute, 22 h before
        assert warn_approaching_deadlines() == 0
    assert Notification.objects.filter(user=owner, kind="deadline_warning").count() == 2


# --- disputes --------------------------------------------------------------------------------------


def test_the_seller_cannot_open_a_dispute_before_handling(order_in, seller, owner):
    order = order_in(Status.PENDING_HANDLING)
    before = state(order)
    with pytest.raises(Conflict) as refused:
        seller_dispute(order, owner)
    assert "Cancelar" in refused.value.message
    assert state(order) == before


def test_the_seller_opens_a_dispute_after_handling(order_in, seller, owner, django_capture_on_commit_callbacks):
    order = order_in(Status.READY_TO_SHIP)
    with django_capture_on_commit_callbacks(execute=True):
        dispute, created = seller_dispute(order, owner, text="Iniciamos manejo por error", responsible="Ana Pérez")
    assert created and dispute.status == DisputeStatus.OPEN and dispute.respond_by is None
    assert dispute.opened_by == owner and dispute.opened_by_party == Party.SELLER
    assert order.events.filter(kind="dispute_opened").count() == 1
    assert Notification.objects.filter(kind="dispute", order=order).count() == 1
    # a second one while the first is live is refused
    with pytest.raises(Conflict):
        seller_dispute(order, owner, text="otra")


def test_a_seller_may_not_use_a_buyer_only_type(order_in, seller, owner):
    order = order_in(Status.SHIPPED)
    with pytest.raises(ValidationFailed) as refused:
        seller_dispute(order, owner, reason_code="product_damaged", text="x", responsible="y")
    assert "reason" in refused.value.fields


def test_a_buyer_dispute_waits_5_days_for_the_seller_whose_answer_hands_the_turn_over(order_in, owner):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    assert dispute.status == DisputeStatus.AWAITING_SELLER
    assert abs((dispute.respond_by - timezone.now()) - timedelta(days=5)) < timedelta(seconds=5)
    post_message(dispute_id=dispute.pk, seller=order.seller, actor=owner, party=Party.SELLER, text="Se envió bien")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_BUYER and dispute.respond_by is None
    # the buyer writes again: 5 more days from now
    post_message(dispute_id=dispute.pk, seller=order.seller, actor=None, party=Party.BUYER, text="No llegó")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_SELLER and dispute.respond_by > timezone.now() + timedelta(days=4)


def test_a_message_with_attachments_stores_them_privately(order_in, owner):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    message = post_message(
        dispute_id=dispute.pk,
        seller=order.seller,
        actor=owner,
        party=Party.SELLER,
        text="Adjunto la guía",
        attachments=[png_upload("guia.png")],
    )
    attachment = message.attachments.get()
    assert attachment.content_type == "image/png" and len(attachment.sha256) == 64
    assert attachment.file.name.startswith("disputes/") and "guia" not in attachment.file.name


def test_attachments_are_validated_like_evidence_and_nothing_is_kept(order_in, owner, settings):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    before = state(order)
    with pytest.raises(UnsupportedMediaType):
        post_message(
            dispute_id=dispute.pk,
            seller=order.seller,
            actor=owner,
            party=Party.SELLER,
            text="Mira",
            attachments=[png_upload(), fake_png()],
        )
    assert state(order) == before
    assert not DisputeAttachment.objects.exists()
    media = settings.MEDIA_ROOT / "disputes"
    assert not media.exists() or not any(media.iterdir())


def test_replying_to_a_closed_dispute_is_409_and_changes_nothing(order_in, owner, operator):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    close_dispute(dispute_id=dispute.pk, actor=operator, note="Duplicada")
    before = state(order)
    with pytest.raises(Conflict) as refused:
        post_message(dispute_id=dispute.pk, seller=order.seller, actor=owner, party=Party.SELLER, text="Hola")
    assert refused.value.status_code == 409
    assert state(order) == before


def test_a_seller_cannot_resolve_its_own_dispute(order_in, owner, seller):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    before = state(order)
    with pytest.raises(OperatorOnly) as refused:
        resolve_dispute(dispute_id=dispute.pk, actor=owner, outcome=Resolution.FOR_SELLER)
    assert refused.value.status_code == 403
    # nor a staff user who is a member of the seller
    staff_member = MembershipFactory(seller=seller, user__is_staff=True).user
    with pytest.raises(OperatorOnly):
        resolve_dispute(dispute_id=dispute.pk, actor=staff_member, outcome=Resolution.FOR_SELLER)
    assert state(order) == before


def test_for_the_buyer_before_delivery_cancels_refunds_and_releases_stock(order_in, operator):
    order = order_in(Status.READY_TO_SHIP)
    request_cancellation(order_id=order.pk, seller=order.seller)  # settled by the refund too
    dispute = buyer_dispute(order)
    resolve_dispute(dispute_id=dispute.pk, actor=operator, outcome=Resolution.FOR_BUYER, note="Sin stock")
    order.refresh_from_db()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED and dispute.resolution == Resolution.FOR_BUYER
    assert dispute.refund_amount == order.total and dispute.seller_liable and dispute.resolved_by == operator
    assert order.status == Status.CANCELED and order.payment_status == PaymentStatus.REFUNDED
    assert order.on_hold_reason == "" and reserved(order) == 0
    assert CancellationRequest.objects.get(order=order).status == RequestStatus.LAPSED
    assert order.events.filter(kind="refund_by_dispute").count() == 1


def test_for_the_buyer_after_a_proven_delivery_keeps_the_order_delivered(order_in, operator):
    order = order_in(Status.DELIVERED)
    dispute = buyer_dispute(order)
    resolve_dispute(dispute_id=dispute.pk, actor=operator, outcome=Resolution.FOR_BUYER, note="Reembolso")
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert not order.events.filter(kind="refund_by_dispute").exists()


def test_a_delivered_order_without_valid_evidence_counts_as_not_delivered(order_in, operator):
    order = order_in(Status.DELIVERED)
    evidence = DeliveryEvidence.objects.filter(order=order)
    if hasattr(DeliveryEvidence, "review_state"):
        evidence.update(review_state="rejected", rejection_reason="Foto borrosa", reviewed_at=timezone.now())
    else:
        evidence.delete()
    dispute = buyer_dispute(order, reason_code="product_not_received")
    resolve_dispute(dispute_id=dispute.pk, actor=operator, outcome=Resolution.FOR_BUYER, note="Sin prueba")
    order.refresh_from_db()
    assert order.status == Status.CANCELED
    event = order.events.get(kind="dispute_resolved")
    assert event.payload["no_valid_evidence"] is True
    assert Dispute.objects.get(pk=dispute.pk).seller_liable is True


def test_partial_needs_an_amount_below_the_total_and_a_note(order_in, operator):
    order = order_in(Status.DELIVERED)
    dispute = buyer_dispute(order, reason_code="product_incomplete")
    before = state(order)
    for amount, note in ((None, "x"), (order.total, "x"), ("10.00", "")):
        with pytest.raises(ValidationFailed):
            resolve_dispute(
                dispute_id=dispute.pk, actor=operator, outcome=Resolution.PARTIAL, refund_amount=amount, note=note
            )
    assert state(order) == before
    resolve_dispute(
        dispute_id=dispute.pk, actor=operator, outcome=Resolution.PARTIAL, refund_amount="10.00", note="Falta 1"
    )
    dispute.refresh_from_db()
    order.refresh_from_db()
    assert dispute.resolution == Resolution.PARTIAL and str(dispute.refund_amount) == "10.00"
    assert order.status == Status.DELIVERED


def test_resolving_twice_is_409(order_in, operator):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    resolve_dispute(dispute_id=dispute.pk, actor=operator, outcome=Resolution.FOR_SELLER, note="Entregado")
    with pytest.raises(Conflict):
        resolve_dispute(dispute_id=dispute.pk, actor=operator, outcome=Resolution.FOR_BUYER)


def test_an_unanswered_dispute_is_lost_after_5_days_once(order_in):
    order = order_in(Status.SHIPPED)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        dispute = buyer_dispute(order)
        clock.shift(timedelta(days=4, hours=23))
        assert resolve_overdue_disputes() == 0
        clock.shift(timedelta(hours=2))
        assert resolve_overdue_disputes() == 1
        assert resolve_overdue_disputes() == 0
    dispute.refresh_from_db()
    order.refresh_from_db()
    assert dispute.resolution == Resolution.FOR_BUYER and dispute.resolved_by is None
    assert order.status == Status.CANCELED
    assert order.events.filter(kind="dispute_resolved").count() == 1


def test_an_answered_dispute_is_not_swept(order_in, owner):
    order = order_in(Status.SHIPPED)
    dispute = buyer_dispute(order)
    post_message(dispute_id=dispute.pk, seller=order.seller, actor=owner, party=Party.SELLER, text="Ya llegó")
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert resolve_overdue_disputes() == 0
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_BUYER


def test_another_sellers_dispute_is_not_found(order_in, other_seller, owner):
    dispute = buyer_dispute(order_in(Status.SHIPPED))
    with pytest.raises(NotFound):
        post_message(dispute_id=dispute.pk, seller=other_seller, actor=owner, party=Party.SELLER, text="x")
    assert not OrderEvent.objects.filter(kind="dispute_message").exists()
