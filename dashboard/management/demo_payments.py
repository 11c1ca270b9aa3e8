"""seed_demo's payments: one of each kind per demo seller, at plausible times (the order's index in the plan).

- a bank transfer registered by the seller with the bank's operation code, then handled;
- a payment link registered with the link's reference, then handled;
- a card payment the marketplace confirmed through the feed a few minutes after the purchase;
- cash collected at «Entregar» (every delivered cash-on-delivery order but one, which shows under
  «Contra entrega sin cobrar»);
- a refund of a canceled card order, sent by the marketplace's feed;
- an expired order: a transfer never paid, canceled by beat 72 h after the purchase («Pago no recibido»).
The existing «pending_payment» order keeps waiting for its transfer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orders.models import Order
from payments.services import expire_unpaid_order, record_feed_payment, register_payment
from sellers.models import Seller

# order index in seed_demo.PLAN -> scenario (indices 5, 16 and 27 are left alone: a test works on them)
TRANSFER_PAID, LINK_PAID, FEED_CONFIRMED = 15, 17, 18
COD_COLLECTED, COD_NOT_COLLECTED = 35, 36
REFUNDED = 46
EXPIRED = 11  # one of the two "pending_overdue": placed more than 72 h ago, never paid

PAYMENT_FIELDS = {
    TRANSFER_PAID: {"payment_method": "bank_transfer", "payment_status": "pending"},
    LINK_PAID: {"payment_method": "payment_link", "payment_status": "pending"},
    FEED_CONFIRMED: {"payment_method": "card", "payment_status": "pending"},
    COD_COLLECTED: {"payment_method": "cash_on_delivery", "payment_status": "pending"},
    COD_NOT_COLLECTED: {"payment_method": "cash_on_delivery", "payment_status": "pending"},
    REFUNDED: {"payment_method": "card", "payment_status": "paid"},
    EXPIRED: {"payment_method": "bank_transfer", "payment_status": "pending"},
}
EXPIRED_AGE_HOURS = (76, 90)


def payment_fields(index: int, default: dict) -> dict:
    return PAYMENT_FIELDS.get(index, default)


def age_hours(index: int, default: tuple[float, float]) -> tuple[float, float]:
    return EXPIRED_AGE_HOURS if index == EXPIRED else default


def collects_cash(index: int) -> bool:
    """Whether the courier brought the cash back with the proof of delivery."""
    return index != COD_NOT_COLLECTED


def before_handling(*, index: int, order: Order, seller: Seller, actor, received_at: datetime, at) -> None:
    """The payment that unlocked «Iniciar manejo», some minutes to hours after the purchase."""
    if index == TRANSFER_PAID:
        with at(received_at + timedelta(minutes=95)):
            register_payment(order_id=order.pk, seller=seller, actor=actor, reference=f"OP-{order.number[-6:]}88",
                             note="Transferencia BCP vista en la banca por internet")  # fmt: skip
    elif index == LINK_PAID:
        with at(received_at + timedelta(minutes=40)):
            register_payment(order_id=order.pk, seller=seller, actor=actor, reference=f"LINK-{order.number[-5:]}")
    elif index == FEED_CONFIRMED:
        with at(received_at + timedelta(minutes=6)):
            record_feed_payment(order_id=order.pk, seller=seller, reference=f"PAY-{order.external_id}",
                                status="confirmed")  # fmt: skip


def after_cancel(*, index: int, order: Order, seller: Seller, at, now: datetime) -> None:
    """The marketplace gave the buyer's money back a few hours after the cancellation."""
    if index != REFUNDED:
        return
    order.refresh_from_db()
    with at(min(order.canceled_at + timedelta(hours=3), now - timedelta(minutes=5))):
        record_feed_payment(order_id=order.pk, seller=seller, reference=f"REF-{order.external_id}", status="refunded")


def while_pending(*, index: int, order: Order, seller: Seller, at) -> None:
    """Beat cancels the unpaid transfer a few minutes after its 72 h window."""
    if index == EXPIRED:
        with at(order.placed_at + timedelta(hours=72, minutes=3)):
            expire_unpaid_order(order_id=order.pk, seller=seller)
