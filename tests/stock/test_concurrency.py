"""Stock edits, bulk updates and «Iniciar manejo» at the same instant on one SKU lose nothing."""

from __future__ import annotations

import pytest

from catalog.bulk import apply_items
from catalog.models import MovementReason, StockItem, StockMovement
from catalog.services import BelowReserved, set_stock
from fulfillment.models import StockReservation
from fulfillment.services import start_handling
from orders.models import Status
from tests.deadlines.test_concurrency import run_together
from tests.factories import OrderFactory, OrderLineFactory, StockItemFactory
from tests.stock.conftest import assert_quantities_are_the_sum_of_movements


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_edits_and_reservations_keep_the_books(seller, owner):
    # given one SKU with 20 on hand and 8 pending orders of 2 units each
    item = StockItemFactory(seller=seller, sku="ONE", quantity_on_hand=20)
    orders = [OrderFactory(seller=seller) for _ in range(8)]
    for order in orders:
        OrderLineFactory(order=order, sku="ONE", quantity=2)
    # when 8 «Iniciar manejo», 4 single edits and 4 bulk updates run at the same instant, each on
    # its own connection (edits set between 10 and 25 units: some fall below what is held by then)
    jobs = [lambda order=order: start_handling(order_id=order.pk, seller=seller, actor=owner) for order in orders]
    jobs += [lambda q=q: set_stock(seller=seller, sku="ONE", quantity=q, actor=owner) for q in (10, 14, 18, 22)]
    jobs += [
        lambda q=q: apply_items(seller=seller, items=[{"sku": "ONE", "quantity": q}], actor=owner)
        for q in (12, 16, 20, 25)
    ]
    results = run_together(*(_outcome(job) for job in jobs))
    # then every refusal is a clear one (out of stock for an order, or below what orders hold)
    assert all(result in ("ok", "stock_unavailable", "stock_below_reserved") for result in results), results
    item.refresh_from_db()
    handled = [o for o in orders if type(o).objects.get(pk=o.pk).status == Status.READY_TO_SHIP]
    # reservations never exceed what is on hand, and are exactly the handled orders' units
    assert item.quantity_reserved <= item.quantity_on_hand
    assert item.quantity_reserved == 2 * len(handled) == 2 * results[:8].count("ok")
    held = StockReservation.objects.filter(stock_item=item, released_at__isnull=True)
    assert sum(held.values_list("quantity", flat=True)) == item.quantity_reserved
    # no edit was lost: each successful one is a movement (unless it set what was already there),
    # and the last one written is what is on hand
    edits = StockMovement.objects.filter(stock_item=item, reason__in=[MovementReason.MANUAL, MovementReason.BULK])
    assert edits.count() <= results[8:].count("ok")
    assert StockMovement.objects.filter(stock_item=item, reason=MovementReason.RESERVATION).count() == len(handled)
    # and the final quantities are the sum of the movements
    assert_quantities_are_the_sum_of_movements(item)
    assert StockItem.objects.get(pk=item.pk).quantity_on_hand == item.movements.order_by("-id").first().on_hand_after


def _outcome(job):
    def run():
        try:
            job()
        except BelowReserved:
            return "stock_below_reserved"
        except Exception as error:
            return getattr(error, "code", repr(error))
        return "ok"

    return run
