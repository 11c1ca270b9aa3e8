"""The sweep raises one penalty per overdue (order, rule), whenever and however often it runs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import time_machine

from fulfillment.deadlines import enforce_deadlines
from fulfillment.models import Penalty, PenaltyRule, PenaltyStatus
from notifications.models import Notification
from orders.models import OrderEvent, Status
from sellers.models import Contract
from tests.deadlines.conftest import at
from tests.factories import OrderFactory, SellerFactory


def test_the_handling_deadline_to_the_second(overdue_order, owner, django_capture_on_commit_callbacks):
    # given an order placed at 10:00 with a 24-hour handling window
    order = overdue_order("2026-11-20 10:00")
    assert order.handling_deadline == at("2026-11-21 10:00")
    # when the sweep runs one second before the deadline
    with time_machine.travel(at("2026-11-21 09:59:59"), tick=False):
        assert enforce_deadlines().total == 0
    # then nothing is raised
    assert not Penalty.objects.exists()
    # when it runs one second after
    with time_machine.travel(at("2026-11-21 10:00:01"), tick=False), django_capture_on_commit_callbacks(execute=True):
        result = enforce_deadlines()
    # then exactly one penalty, on the contract's terms, with its event
    assert result.raised == {PenaltyRule.LATE_HANDLING: 1, PenaltyRule.LATE_SHIPPING: 0}
    penalty = Penalty.objects.get()
    assert (penalty.order, penalty.seller, penalty.rule) == (order, order.seller, PenaltyRule.LATE_HANDLING)
    assert (penalty.amount, penalty.currency, penalty.clause) == (Decimal("50.00"), "PEN", "19")
    assert penalty.status == PenaltyStatus.RAISED
    assert penalty.raised_at == at("2026-11-21 10:00:01")
    assert penalty.deadline == order.handling_deadline
    event = OrderEvent.objects.get(order=order, kind="penalty_raised")
    assert event.payload == {
        "penalty_id": penalty.pk,
        "rule": "late_handling",
        "amount": "50.00",
        "currency": "PEN",
        "clause": "19",
    }
    assert Notification.objects.filter(order=order, user=owner, kind="penalty_raised").count() == 1
    # when ten more sweeps run over the next ten minutes
    for minute in range(1, 11):
        later = at("2026-11-21 10:00:01") + timedelta(minutes=minute)
        with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
            assert enforce_deadlines().total == 0
    # then still one penalty, one event, one notice
    assert Penalty.objects.count() == 1
    assert OrderEvent.objects.filter(order=order, kind="penalty_raised").count() == 1
    assert Notification.objects.filter(order=order, user=owner, kind="penalty_raised").count() == 1


def test_percent_penalty_and_the_ship_by_rule(seller, site, owner):
    # given a contract charging 10 % of the total for late shipping, and an order handled on time
    Contract.objects.filter(seller=seller).update(late_shipping_penalty_kind="percent", late_shipping_penalty_value=10)
    order = OrderFactory(
        seller=seller,
        site=site,
        placed_at=at("2026-11-20 10:00"),
        status=Status.READY_TO_SHIP,
        total=Decimal("259.95"),
        ship_by_deadline=at("2026-11-23 10:00"),
    )
    # when the ship-by deadline passes
    with time_machine.travel(at("2026-11-23 10:05"), tick=False):
        result = enforce_deadlines()
    # then a late-shipping penalty of 10 % (rounded to cents)
    assert result.raised[PenaltyRule.LATE_SHIPPING] == 1
    penalty = Penalty.objects.get(order=order)
    assert (penalty.rule, penalty.amount) == (PenaltyRule.LATE_SHIPPING, Decimal("26.00"))


def test_only_open_overdue_orders_and_each_sellers_terms(seller, site):
    # given overdue orders in every state, and a second seller with its own contract
    for status in Status.values:
        OrderFactory(seller=seller, site=site, placed_at=at("2026-11-18 10:00"), status=status)
    other = SellerFactory()
    Contract.objects.filter(seller=other).update(late_handling_penalty_value=75, penalty_clause="7.2")
    late_other = OrderFactory(seller=other, site=site, placed_at=at("2026-11-18 11:00"))
    on_hold = OrderFactory(seller=seller, site=site, placed_at=at("2026-11-18 10:00"))
    on_hold.on_hold_reason = "cancellation_request"
    on_hold.save(update_fields=["on_hold_reason"])
    # when the sweep runs
    with time_machine.travel(at("2026-11-21 12:00"), tick=False):
        enforce_deadlines(batch_size=1)
    # then only the pending ones not on hold (ready_to_ship has no ship-by deadline here) are penalised
    assert set(Penalty.objects.values_list("order__status", flat=True)) == {Status.PENDING_HANDLING}
    assert Penalty.objects.filter(order__seller=seller).count() == 1
    theirs = Penalty.objects.get(order=late_other)
    assert (theirs.seller, theirs.amount, theirs.clause) == (other, Decimal("75.00"), "7.2")
    assert not Penalty.objects.filter(order=on_hold).exists()


def test_a_skipped_tick_is_caught_up_and_batches_commit_everything(seller, site):
    # given 7 orders that fell overdue over three days while beat was down
    orders = [
        OrderFactory(seller=seller, site=site, placed_at=at("2026-11-18 10:00") + timedelta(hours=9 * i))
        for i in range(7)
    ]
    # when one late sweep runs in batches of 3
    with time_machine.travel(at("2026-11-22 12:00"), tick=False):
        result = enforce_deadlines(batch_size=3)
    # then all seven are raised, once each
    assert result.total == 7
    assert sorted(Penalty.objects.values_list("order_id", flat=True)) == sorted(o.pk for o in orders)
    assert OrderEvent.objects.filter(kind="penalty_raised").count() == 7
