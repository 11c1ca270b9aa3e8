"""Beat's deadlines for requests and disputes: thin wrappers over the services, safe to overlap."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from disputes import services

# a lost connection or a deadlock victim is worth another try; the services are idempotent
TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def accept_overdue_cancellation_requests() -> int:
    return services.accept_overdue_cancellation_requests()


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def resolve_overdue_disputes() -> int:
    return services.resolve_overdue_disputes()


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def warn_approaching_deadlines() -> int:
    return services.warn_approaching_deadlines()
