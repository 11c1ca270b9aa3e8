"""Real processes: beat on the database scheduler fires the sweep through Redis to a worker; a worker
killed with SIGKILL in the middle of a sweep loses nothing and doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu import Connection

from fulfillment.deadlines import PAUSE_FILE_ENV, PAUSE_IN_BATCH_ENV, enforce_deadlines
from fulfillment.models import Penalty
from orders.models import OrderEvent
from tests.factories import OrderFactory

ROOT = Path(settings.BASE_DIR)
# a Redis database of its own (the other Redis tests use 15), one per xdist worker: each test flushes it,
# and a worker started by one test would take another's tasks
XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
BROKER = f"redis://127.0.0.1:6379/{max(1, 14 - XDIST_WORKER)}"
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_until(condition, *, seconds: float) -> bool:
    """Polls another process's work; real processes take real time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def process_env(tmp_path, **extra) -> dict:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sellercenter.settings_test",
        # the pytest database, where the test committed its orders (transaction=True)
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SELLERCENTER_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        **extra,
    }
    env.pop("DATABASE_TEST_NAME", None)
    return env


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sellercenter", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the pool's children die with it
    )


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@pytest.fixture
def broker():
    client = redis.Redis.from_url(BROKER)
    client.flushdb()
    yield
    client.flushdb()


def overdue_orders(seller, site, count: int) -> list:
    # placed two days ago: overdue now, in real time (the processes do not share time-machine)
    from django.utils import timezone

    placed = timezone.now() - timezone.timedelta(days=2)
    return [OrderFactory(seller=seller, site=site, placed_at=placed) for _ in range(count)]


def test_beat_fires_the_sweep_and_the_worker_raises_the_penalty(broker, seller, site, tmp_path):
    # given overdue orders and the sweep scheduled every second in the database (what operators edit)
    orders = overdue_orders(seller, site, 3)
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="Plazos: penalidades por vencimiento",
        defaults={"task": "fulfillment.tasks.enforce_deadlines", "interval": every_second, "enabled": True},
    )
    PeriodicTask.objects.exclude(task="fulfillment.tasks.enforce_deadlines").update(enabled=False)
    env = process_env(tmp_path)
    worker = start(["worker", "--pool=solo", "--loglevel=INFO"], env, tmp_path / "worker.log")
    beat = start(
        ["beat", "--loglevel=INFO", "-S", "django_celery_beat.schedulers:DatabaseScheduler",
         "--pidfile", str(tmp_path / "beat.pid")],
        env,
        tmp_path / "beat.log",
    )  # fmt: skip
    try:
        # when beat and the worker run for a while (no direct call from this test)
        raised = wait_until(lambda: Penalty.objects.count() == 3, seconds=60)
        time.sleep(2)  # a few more ticks: still one penalty per order
    finally:
        stop(beat)  # beat writes its run counts back on the way out
        stop(worker)
    ticks = PeriodicTask.objects.get(name="Plazos: penalidades por vencimiento").total_run_count
    logs = (tmp_path / "worker.log").read_text() + (tmp_path / "beat.log").read_text()
    # then the scheduled task raised one penalty per order, even after several ticks
    assert raised, logs[-3000:]
    assert "fulfillment.tasks.enforce_deadlines" in (tmp_path / "beat.log").read_text()
    assert "succeeded" in (tmp_path / "worker.log").read_text()
    assert sorted(Penalty.objects.values_list("order_id", flat=True)) == sorted(o.pk for o in orders)
    assert OrderEvent.objects.filter(kind="penalty_raised").count() == 3
    assert ticks >= 1


def test_a_worker_killed_mid_sweep_loses_nothing_and_doubles_nothing(broker, seller, site, tmp_path):
    # given 7 overdue orders, swept in batches of 3, and a worker that pauses inside batch 2
    orders = overdue_orders(seller, site, 7)
    marker = tmp_path / "paused"
    env = process_env(
        tmp_path,
        DEADLINE_SWEEP_BATCH_SIZE="3",
        **{PAUSE_IN_BATCH_ENV: "2", PAUSE_FILE_ENV: str(marker)},
    )
    worker = start(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO"], env, tmp_path / "worker.log")
    try:
        # an explicit connection: CELERY_BROKER_URL in this process names another Redis database
        with Connection(BROKER) as to_broker:
            # not made the current app: later tests' shared tasks would go to it, not eager, and be lost
            sender = Celery("deadlines-test", set_as_current=False)
            sender.send_task("fulfillment.tasks.enforce_deadlines", connection=to_broker)
        # when the worker has written batch 2 (uncommitted) and is killed with SIGKILL
        assert wait_until(marker.exists, seconds=60), (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        stop(worker, signal.SIGKILL)
    # then batch 1 is kept whole (penalties with their events), batch 2 left nothing behind
    assert Penalty.objects.count() == 3
    assert OrderEvent.objects.filter(kind="penalty_raised").count() == 3
    # and the next run raises the rest, nothing twice
    result = enforce_deadlines(batch_size=3)
    assert result.total == 4
    assert sorted(Penalty.objects.values_list("order_id", flat=True)) == sorted(o.pk for o in orders)
    assert OrderEvent.objects.filter(kind="penalty_raised").count() == 7
