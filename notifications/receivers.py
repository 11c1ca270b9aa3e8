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
from payments.signals import payment_notice
from sellers.models import Seller


@receiver(order_created)
def enqueue_new_order_notice(sender, order_id: int, **kwargs) -> None:
    notify_new_order_task.delay(order_id)


# --- deadlines and penalties (fulfillment.deadlines sends these after commit, with the ids it inserted)


def _in_each_language(build):
    """`build()` under each UI language: {code: result}; the default language's result first."""
    results = {}
    for code in [settings.LANGUAGE_CODE, *(c for c, _name in settings.LANGUAGES if c != settings.LANGUAGE_CODE)]:
        with translation.override(code):
            results[code] = build()
    return results


def _notify_all(notices_by_language: dict, kind_of) -> None:
    """One notify_members per notice, with its text in every language (e-mail in the default one)."""
    default = notices_by_language[settings.LANGUAGE_CODE]
    for index, notice in enumerate(default):
        notify_members(
            seller=notice.seller,
            kind=kind_of(notice),
            text=notice.text,
            texts={code: notices[index].text for code, notices in notices_by_language.items()},
            order=notice.order,
            email_subject=notice.subject,
        )


@receiver(penalties_raised)
def notify_penalties(sender, penalty_ids: list[int], **kwargs) -> None:
    _notify_all(_in_each_language(lambda: penalty_notices(penalty_ids)), lambda n: NotificationKind.PENALTY_RAISED)


@receiver(deadline_warnings_raised)
def notify_deadline_warnings(sender, warning_ids: list[int], **kwargs) -> None:
    _notify_all(_in_each_language(lambda: warning_notices(warning_ids)), lambda n: NotificationKind.DEADLINE_WARNING)


@receiver(seller_notice)
@receiver(payment_notice)
def notify_seller_members(sender, seller_id: int, kind: str, render, order_id: int | None = None, **kwargs) -> None:
    """Disputes and cancellation requests announce; the seller's people get an in-panel notice."""
    seller = Seller.objects.filter(pk=seller_id).first()
    if seller is not None:
        order = Order.objects.filter(pk=order_id, seller=seller).first() if order_id else None
        texts = {code: str(text) for code, text in _in_each_language(render).items()}
        notify_members(seller=seller, kind=kind, text=texts[settings.LANGUAGE_CODE], texts=texts, order=order)


# --- delivery evidence reviews and failed delivery attempts (evidence.signals, sent after commit)


@receiver(evidence_reviewed)
@receiver(delivery_attempt_recorded)
def notify_evidence_and_attempts(sender, evidence_id: int | None = None, attempt_id: int | None = None, **kwargs):
    def build() -> list:
        notice = evidence_review_notice(evidence_id) if evidence_id else attempt_notice(attempt_id)
        return [notice] if notice is not None else []

    _notify_all(_in_each_language(build), lambda notice: notice.kind)
