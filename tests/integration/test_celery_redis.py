"""The new-order notice travels through a real Redis broker to a real Celery worker."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail

from notifications.models import Notification
from orders.services import receive_order
from sellercenter.celery import app
from tests.services.test_intake_and_notifications import feed_order


def wait_until(condition, *, seconds: float) -> None:
    """Polls for another thread's work; a real worker takes real time."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def redis_worker(settings):
    # a worker thread in this process, fed by the local Redis (database 15, emptied first)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    broker_url = django_settings.CELERY_BROKER_URL
    assert broker_url.startswith("redis://"), broker_url
    redis.Redis.from_url(broker_url).flushdb()
    overrides = {"task_always_eager": False, "broker_url": broker_url, "result_backend": None}
    app.conf.update(overrides)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"):
            yield
    finally:
        for key in overrides:  # back to what the Django settings say, so nothing leaks into later tests
            app.conf.changes.pop(key, None)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_new_order_is_announced_by_the_worker(redis_worker, seller, site, owner):
    # when an order arrives through the feed
    order, _ = receive_order(seller=seller, site=site, data=feed_order())
    # then the worker, not this thread, writes the notice and sends the e-mail (within 20 s)
    wait_until(lambda: Notification.objects.filter(order=order, user=owner).exists(), seconds=20)
    assert Notification.objects.filter(order=order, user=owner, kind="new_order").count() == 1
    assert any("#5001" in message.subject for message in mail.outbox)
