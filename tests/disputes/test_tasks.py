"""Beat runs the deadlines: the schedule names real tasks, and the tasks are thin over the services."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from disputes import tasks
from disputes.models import CancellationRequest, RequestStatus
from disputes.services import request_cancellation
from orders.models import Status
from sellercenter.celery import app

pytestmark = pytest.mark.django_db


def test_the_data_migration_schedules_every_task_every_minute():
    migration = importlib.import_module("disputes.migrations.0005_periodic_tasks")
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)  # twice: still one row per task
    scheduled = PeriodicTask.objects.filter(task__startswith="disputes.tasks.")
    assert scheduled.count() == 3
    app.loader.import_default_modules()
    for periodic in scheduled:
        assert periodic.task in app.tasks, periodic.task
        assert (periodic.interval.every, periodic.interval.period) == (1, "minutes") and periodic.enabled


def test_the_tasks_retry_transient_database_errors_and_ack_late():
    from django.db import OperationalError

    for task in (tasks.accept_overdue_cancellation_requests, tasks.resolve_overdue_disputes):
        assert task.acks_late and OperationalError in task.autoretry_for


def test_the_request_task_accepts_what_is_due(order_in):
    order = order_in(Status.READY_TO_SHIP)
    request_cancellation(order_id=order.pk, seller=order.seller)
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        assert tasks.accept_overdue_cancellation_requests.delay().get() == 1
    assert CancellationRequest.objects.get(order=order).status == RequestStatus.ACCEPTED
