from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import Notification, NotificationKind
from orders.models import Order
from sellers.models import Membership, Seller


def notify_new_order(*, order_id: int) -> int:
    """Tell every member of the order's seller, in the panel and by e-mail. Safe to repeat."""
    order = Order.objects.select_related("seller", "site").filter(pk=order_id).first()
    if order is None:
        return 0
    memberships = Membership.objects.filter(seller=order.seller).select_related("user")

    def render() -> str:
        if not order.penalties_apply:
            return _("Nueva venta directa #%(number)s de %(buyer)s — sin plazo ni penalidad del marketplace") % {
                "number": order.number,
                "buyer": order.buyer_full_name,
            }
        return _("Nueva orden #%(number)s de %(buyer)s en %(site)s — inicia manejo antes de %(deadline)s") % {
            "number": order.number,
            "buyer": order.buyer_full_name,
            "site": order.site.name,
            "deadline": timezone.localtime(order.handling_deadline).strftime("%d/%m %H:%M"),
        }

    texts = in_every_language(render)
    text = texts.get(settings.LANGUAGE_CODE) or render()
    created = Notification.objects.bulk_create(
        [
            Notification(
                user=m.user, seller=order.seller, order=order, kind=NotificationKind.NEW_ORDER, text=text, texts=texts
            )
            for m in memberships
        ],
        ignore_conflicts=True,
    )
    recipients = sorted({m.user.email for m in memberships if m.user.email})
    if order.seller.notification_email:
        recipients.append(order.seller.notification_email)
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Nueva orden #%(number)s") % {"number": order.number}
        send_mail(
            subject=subject,
            message=text,
            from_email=None,
            recipient_list=sorted(set(recipients)),
            fail_silently=False,
        )
    return len(created)


def unread_count(*, user, seller: Seller) -> int:
    return Notification.objects.filter(user=user, seller=seller, read_at__isnull=True).count()


def mark_read(*, user, seller: Seller, notification_ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, seller=seller, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def in_every_language(render: Callable[[], str]) -> dict[str, str]:
    """`render()` under each language the UI offers: {"es": ..., "en": ...}."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(render())[:300]
    return texts


def notify_members(
    *,
    seller: Seller,
    kind: str,
    text: str = "",
    order: Order | None = None,
    email_subject: str = "",
    texts: dict[str, str] | None = None,
) -> list[Notification]:
    """One in-panel notice per member of the seller, and an e-mail when `email_subject` is given.

    `text` is the default language's (e-mail, admin); `texts` the same in every UI language.

    Callers that must not notify twice (one warning per deadline) guard that with their own
    unique constraint before calling; this only writes and sends.
    """
    memberships = list(Membership.objects.filter(seller=seller).select_related("user"))
    created = Notification.objects.bulk_create(
        [
            Notification(user=m.user, seller=seller, order=order, kind=kind, text=text[:300], texts=texts or {})
            for m in memberships
        ],
        ignore_conflicts=True,
    )
    if email_subject:
        recipients = {m.user.email for m in memberships if m.user.email}
        if seller.notification_email:
            recipients.add(seller.notification_email)
        if recipients:
            send_mail(subject=email_subject, message=text, from_email=None, recipient_list=sorted(recipients))
    return created
