"""Beat's deadline tasks: thin wrappers over fulfillment.deadlines.

Scheduled in the database (django-celery-beat, migration 0003), every minute by default.
acks_late: a worker lost mid-sweep leaves the message to be redelivered; either way the next
tick sweeps again, and the unique (order, rule) keeps every effect once.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from fulfillment.deadlines import enforce_deadlines, send_deadline_warnings

TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_DB_ERRORS,
    "retry_backoff": True,  # 1 s, 2 s, 4 s, ... with jitter
    "retry_backoff_max": 60,
    "max_retries": 5,
}


@shared_task(name="fulfillment.tasks.enforce_deadlines", **RETRY)
def enforce_deadlines_task() -> dict:
    result = enforce_deadlines()
    return {"raised": result.raised, "batches": result.batches}


@shared_task(name="fulfillment.tasks.send_deadline_warnings", **RETRY)
def send_deadline_warnings_task() -> int:
    return send_deadline_warnings()
