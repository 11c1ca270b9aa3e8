from celery import shared_task

from notifications.services import notify_new_order


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_new_order_task(order_id: int) -> int:
    return notify_new_order(order_id=order_id)
