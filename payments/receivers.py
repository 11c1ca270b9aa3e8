"""payments listens to the apps it sits on (they do not import it)."""

from django.dispatch import receiver

from disputes.signals import refund_owed
from orders.workflow import order_received


@receiver(order_received)
def record_payment_of_a_paid_order(sender, order, paid: bool, **kwargs) -> None:
    from payments.services import record_paid_at_intake

    if paid:
        record_paid_at_intake(order=order)


@receiver(refund_owed)
def record_dispute_refund(sender, order, amount, actor, dispute_id: int, **kwargs) -> None:
    from payments.services import refund_for_dispute

    refund_for_dispute(order=order, amount=amount, actor=actor, dispute_id=dispute_id)
