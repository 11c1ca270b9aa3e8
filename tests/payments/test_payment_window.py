"""The payment window: beat cancels unpaid transfer / payment-link orders, without a penalty for the seller."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from fulfillment.deadlines import enforce_deadlines, send_deadline_warnings
from fulfillment.selectors import sla_clock
from notifications.models import Notification
from orders.models import PaymentStatus, Status
from payments.services import expire_unpaid_orders, register_payment
from payments.tasks import expire_unpaid_orders as expire_task
from sellercenter.celery import app
from sellers.models import Contract
from tests.factories import order_with_stock

pytestmark = pytest.mark.django_db


def unpaid(seller, *, hours_ago: float, method: str = "bank_transfer", **fields):
    return order_with_stock(
        seller=seller,
        payment_method=method,
        payment_status="pending",
        placed_at=timezone.now() - timedelta(hours=hours_ago),
        **fields,
    )


def test_an_unpaid_transfer_past_72_hours_is_canceled_as_payment_not_received(
    seller, owner, django_capture_on_commit_callbacks
):
    # given a transfer and a payment-link order unpaid for 73 h, and one still within its window
    late_transfer = unpaid(seller, hours_ago=73)
    late_link = unpaid(seller, hours_ago=80, method="payment_link")
    recent = unpaid(seller, hours_ago=10)
    # when beat runs
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_task.delay().get() == 2
    # then the two are canceled «Pago no recibido», their payment status is «Vencido»
    for order in (late_transfer, late_link):
        order.refresh_from_db()
        assert order.status == Status.CANCELED and order.payment_status == PaymentStatus.EXPIRED
        assert order.cancellation.reason_id == "payment_not_received"
        assert order.cancellation.reason.label == "Pago no recibido"
        event = order.events.get(kind="expire_unpaid")
        assert event.to_status == Status.CANCELED and event.actor is None
        # and the seller's people were told
        assert Notification.objects.filter(order=order, user=owner, kind="payment_not_received").exists()
    recent.refresh_from_db()
    assert recent.status == Status.PENDING_HANDLING
    # and a second run changes nothing
    assert expire_unpaid_orders() == 0


def test_the_window_is_a_contract_term(seller):
    Contract.objects.filter(seller=seller).update(payment_window=timedelta(hours=12))
    order = unpaid(seller, hours_ago=13)
    assert expire_unpaid_orders() == 1
    order.refresh_from_db()
    assert order.status == Status.CANCELED


def test_paid_partly_paid_card_and_cod_orders_are_not_expired(seller, owner):
    paid = unpaid(seller, hours_ago=100)
    register_payment(order_id=paid.pk, seller=seller, actor=owner, reference="OP-1")
    partly = unpaid(seller, hours_ago=100)
    register_payment(order_id=partly.pk, seller=seller, actor=owner, reference="OP-2", amount="10")
    unpaid(seller, hours_ago=100, method="card")
    unpaid(seller, hours_ago=100, method="cash_on_delivery")
    assert expire_unpaid_orders() == 0


def test_no_penalty_no_warning_and_no_clock_while_payment_is_pending(seller):
    # given a transfer order unpaid for 30 h: past its 24 h handling deadline
    order = unpaid(seller, hours_ago=30)
    soon = unpaid(seller, hours_ago=22)
    # then the sweep raises no late-handling penalty, and warns of nothing
    assert enforce_deadlines().total == 0
    assert send_deadline_warnings() == 0
    assert not order.penalties.exists() and not soon.penalties.exists()
    # and no SLA clock runs against the seller
    assert sla_clock(order) is None


def test_the_clock_starts_when_the_order_is_paid(seller, owner):
    order = unpaid(seller, hours_ago=30)
    register_payment(order_id=order.pk, seller=seller, actor=owner, reference="OP-1")
    order.refresh_from_db()
    clock = sla_clock(order)
    assert clock is not None and not clock.overdue
    assert enforce_deadlines().total == 0


def test_the_beat_task_is_scheduled_by_the_migration():
    migration = importlib.import_module("payments.migrations.0004_periodic_task")
    migration.create_schedule(apps, None)  # a flushed test database lost the migration's rows
    migration.create_schedule(apps, None)  # twice: still one
    assert PeriodicTask.objects.filter(task=migration.TASK).count() == 1
    app.loader.import_default_modules()
    assert migration.TASK in app.tasks
    task = PeriodicTask.objects.get(task="payments.tasks.expire_unpaid_orders")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")


def test_an_order_on_hold_waits_for_the_buyers_request(seller):
    from disputes.services import request_cancellation

    order = unpaid(seller, hours_ago=80)
    request_cancellation(order_id=order.pk, seller=seller, text="Ya no lo quiero")
    assert expire_unpaid_orders() == 0
