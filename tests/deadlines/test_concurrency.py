"""Two sweeps at the same moment, and a late "Iniciar manejo" racing the sweep, raise one penalty."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection

from fulfillment.deadlines import enforce_deadlines
from fulfillment.models import Penalty, PenaltyRule
from fulfillment.services import start_handling
from orders.models import OrderEvent, Status
from tests.deadlines.conftest import at
from tests.factories import OrderFactory, order_with_stock


def run_together(*jobs) -> list:
    """Each job in its own thread (its own database connection), released at the same instant."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def runner(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_one_penalty_per_order(seller, site):
    # given 40 overdue orders
    orders = [OrderFactory(seller=seller, site=site, placed_at=at("2026-11-19 10:00")) for _ in range(40)]
    # when two sweeps run at the same moment, on two connections, in small batches
    with time_machine.travel(at("2026-11-21 10:00:01"), tick=False):
        results = run_together(
            lambda: enforce_deadlines(batch_size=7).total, lambda: enforce_deadlines(batch_size=7).total
        )
        # (a parallel sweep may stop early when the other took its batch: the next tick finishes)
        enforce_deadlines()
    # then each order has exactly one penalty and one event, and the two sweeps shared the work
    assert Penalty.objects.count() == 40
    assert sorted(Penalty.objects.values_list("order_id", flat=True)) == sorted(o.pk for o in orders)
    assert OrderEvent.objects.filter(kind="penalty_raised").count() == 40
    assert sum(results) <= 40


@pytest.mark.django_db(transaction=True)
def test_a_late_start_handling_racing_the_sweep_raises_one_penalty(seller, site, owner):
    for attempt in range(5):
        # given an overdue order
        order = order_with_stock(seller=seller, site=site, placed_at=at("2026-11-19 10:00"))
        # when the seller presses "Iniciar manejo" while the sweep runs
        with time_machine.travel(at("2026-11-20 11:00"), tick=False):
            run_together(
                lambda order=order: start_handling(order_id=order.pk, seller=seller, actor=owner),
                lambda: enforce_deadlines(),
            )
        # then the order is handled, with exactly one late-handling penalty and one event for it
        order.refresh_from_db()
        assert order.status == Status.READY_TO_SHIP
        assert Penalty.objects.filter(order=order, rule=PenaltyRule.LATE_HANDLING).count() == 1, attempt
        assert OrderEvent.objects.filter(order=order, kind="penalty_raised").count() == 1
        assert order.events.get(kind="start_handling").payload["late"] is True


@pytest.mark.django_db
def test_a_late_start_handling_raises_the_penalty_at_that_moment(seller, site, owner):
    # given an overdue order the sweep has not reached yet
    order = order_with_stock(seller=seller, site=site, placed_at=at("2026-11-19 10:00"))
    # when the seller starts handling late
    with time_machine.travel(at("2026-11-20 10:30"), tick=False):
        start_handling(order_id=order.pk, seller=seller, actor=owner)
        # and the sweep runs afterwards
        assert enforce_deadlines().total == 0
    # then the penalty was raised by the action, at that moment, and recorded on its event
    penalty = Penalty.objects.get(order=order)
    assert penalty.raised_at == at("2026-11-20 10:30")
    assert order.events.get(kind="start_handling").payload["penalty_id"] == penalty.pk


@pytest.mark.django_db
def test_starting_on_time_raises_nothing(seller, site, owner):
    order = order_with_stock(seller=seller, site=site, placed_at=at("2026-11-19 10:00"))
    with time_machine.travel(at("2026-11-20 09:59:59"), tick=False):
        start_handling(order_id=order.pk, seller=seller, actor=owner)
    # then no penalty, and the ship-by clock starts (72 h from now)
    with time_machine.travel(at("2026-11-23 09:59:58"), tick=False):
        assert enforce_deadlines().total == 0
    with time_machine.travel(at("2026-11-23 10:00:00"), tick=False):
        assert enforce_deadlines().raised[PenaltyRule.LATE_SHIPPING] == 1
    assert not Penalty.objects.filter(rule=PenaltyRule.LATE_HANDLING).exists()
