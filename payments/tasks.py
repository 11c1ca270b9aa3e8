"""Beat's payment window: a thin wrapper over payments.services, safe to overlap (migration 0004)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from payments import services

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="payments.tasks.expire_unpaid_orders",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def expire_unpaid_orders() -> int:
    return services.expire_unpaid_orders()
