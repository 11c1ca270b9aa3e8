"""Two people pressing the same button at once: the row lock lets one through."""

import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from core.errors import InvalidTransition
from core.idempotency import run_idempotently
from core.models import IdempotencyRecord
from fulfillment.models import StockReservation
from fulfillment.services import start_handling
from orders.models import Status
from tests.factories import order_with_stock


def run_at_once(count: int, work) -> list:
    """Start `count` threads together; each uses its own database connection."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = work()
        except Exception as error:  # collected for the assertions
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_start_handling_make_one_transition(seller, owner, staff_member):
    # given one pending order with 5 units on hand and 1 ordered
    order = order_with_stock(seller=seller, quantity=1, on_hand=5)
    # when the owner and a staff member press "Iniciar manejo" at the same moment
    outcomes = run_at_once(
        2,
        lambda: start_handling(order_id=order.id, seller=seller, actor=owner),
    )
    # then one wins, the other gets the current state (409)
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert len(winners) == 1 and len(refused) == 1, outcomes
    assert refused[0].status == Status.READY_TO_SHIP
    # and there is one event and one reservation of one unit
    order.refresh_from_db()
    assert order.status == Status.READY_TO_SHIP
    assert order.events.filter(kind="start_handling").count() == 1
    assert StockReservation.objects.filter(order=order).count() == 1
    assert seller.stock_items.get().quantity_reserved == 1


@pytest.mark.django_db(transaction=True)
def test_two_orders_racing_for_the_last_unit_do_not_oversell(seller, owner):
    # given one unit on hand and two orders for it
    first = order_with_stock(seller=seller, quantity=1, on_hand=1)
    sku = first.lines.get().sku
    second = order_with_stock(seller=seller, quantity=1, on_hand=1)
    second.lines.update(sku=sku)
    # when both are handled at once
    orders = iter([first, second])
    lock = threading.Lock()

    def handle_next():
        with lock:
            order = next(orders)
        return start_handling(order_id=order.id, seller=seller, actor=owner)

    outcomes = run_at_once(2, handle_next)
    # then exactly one is handled and the stock is never oversold
    handled = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(handled) == 1, outcomes
    item = seller.stock_items.get(sku=sku)
    assert item.quantity_reserved == 1 <= item.quantity_on_hand


@pytest.mark.django_db
def test_an_idempotency_key_left_unfinished_by_a_dead_process_is_taken_over(owner):
    # given a key whose first attempt died before storing its answer, three minutes ago
    request = APIRequestFactory().post("/x/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    request.user = owner
    request.data = {"a": 1}
    with time_machine.travel(timezone.now() - timezone.timedelta(minutes=3)):
        IdempotencyRecord.objects.create(user=owner, key="k-1", fingerprint="dead")
    # when the client retries
    response = run_idempotently(request, lambda: Response({"ok": True}, status=201))
    # then the retry runs for real and its answer is the one kept
    assert response.status_code == 201
    record = IdempotencyRecord.objects.get(user=owner, key="k-1")
    assert record.completed_at is not None and record.response_body == {"ok": True}
