from django.conf import settings
from django.dispatch import receiver
from django.utils import translation

from disputes.signals import seller_notice
from evidence.notices import attempt_notice, evidence_review_notice
from evidence.signals import delivery_attempt_recorded, evidence_reviewed
from fulfillment.deadlines import deadline_warnings_raised, penalties_raised, penalty_notices, warning_notices
from notifications.models import NotificationKind
from notifications.services import notify_members
from notifications.tasks import notify_new_order_task
from orders.models import Order
from orders.workflow import order_created
from sellers.models import Seller


@receiver(order_created)
def enqueue_new_order_notice(sender, order_id: int, **kwargs) -> None:
    notify_new_order_task.delay(order_id)


# --- deadlines and penalties (fulfillment.deadlines sends these after commit, with the ids it inserted)


@receiver(penalties_raised)
def notify_penalties(sender, penalty_ids: list[int], **kwargs) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        for notice in penalty_notices(penalty_ids):
            notify_members(
                seller=notice.seller,
                kind=NotificationKind.PENALTY_RAISED,
                text=notice.text,
                order=notice.order,
                email_subject=notice.subject,
            )


@receiver(deadline_warnings_raised)
def notify_deadline_warnings(sender, warning_ids: list[int], **kwargs) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        for notice in warning_notices(warning_ids):
            notify_members(
                seller=notice.seller,
                kind=NotificationKind.DEADLINE_WARNING,
                text=notice.text,
                order=notice.order,
                email_subject=notice.subject,
            )


@receiver(seller_notice)
def notify_seller_members(sender, seller_id: int, kind: str, text: str, order_id: int | None = None, **kwargs) -> None:
    """Disputes and cancellation requests announce; the seller's people get an in-panel notice."""
    seller = Seller.objects.filter(pk=seller_id).first()
    if seller is not None:
        order = Order.objects.filter(pk=order_id, seller=seller).first() if order_id else None
        notify_members(seller=seller, kind=kind, text=text, order=order)


# --- delivery evidence reviews and failed delivery attempts (evidence.signals, sent after commit)


@receiver(evidence_reviewed)
@receiver(delivery_attempt_recorded)
def notify_evidence_and_attempts(sender, evidence_id: int | None = None, attempt_id: int | None = None, **kwargs):
    with translation.override(settings.LANGUAGE_CODE):
        notice = evidence_review_notice(evidence_id) if evidence_id else attempt_notice(attempt_id)
        if notice is not None:
            notify_members(
                seller=notice.seller,
                kind=notice.kind,
                text=notice.text,
                order=notice.order,
                email_subject=notice.subject,
            )
