from django.dispatch import receiver

from notifications.tasks import notify_new_order_task
from orders.workflow import order_created


@receiver(order_created)
def enqueue_new_order_notice(sender, order_id: int, **kwargs) -> None:
    notify_new_order_task.delay(order_id)
