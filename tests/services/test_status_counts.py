"""The per-status counters the dashboard tabs read stay equal to a real COUNT(*)."""

import pytest
from django.db.models import Count

from disputes.services import cancel_order
from fulfillment.services import start_handling
from orders.models import Order, OrderStatusCount, Status
from orders.selectors import status_counts
from tests.factories import OrderFactory, SellerFactory, order_with_stock

pytestmark = pytest.mark.django_db


def counted(seller) -> dict:
    real = dict.fromkeys(Status.values, 0)
    real.update(Order.objects.filter(seller=seller).values_list("status").annotate(n=Count("id")).order_by())
    real["all"] = sum(real.values())
    return real


def test_counters_follow_inserts_transitions_updates_and_deletes(seller, owner):
    # given orders created, moved through the workflow, changed in bulk and deleted
    # (the one deleted has no payment: a ledger row protects its order from deletion)
    orders = [order_with_stock(seller=seller) for _ in range(3)] + [
        order_with_stock(seller=seller, payment_status="pending")
    ]
    OrderFactory.create_batch(3, seller=seller, status=Status.SHIPPED)
    start_handling(order_id=orders[0].id, seller=seller, actor=owner)
    cancel_order(
        order_id=orders[1].id,
        seller=seller,
        actor=owner,
        cancellation_type="canceled_by_seller",
        text="Sin stock",
        responsible="Ana",
    )
    Order.objects.filter(pk=orders[2].pk).update(status=Status.DELIVERED)
    Order.objects.filter(pk=orders[3].pk).delete()
    # then the counters say what COUNT(*) says
    assert (
        status_counts(seller=seller)
        == counted(seller)
        == {
            "pending_handling": 0,
            "ready_to_ship": 1,
            "shipped": 3,
            "delivered": 1,
            "canceled": 1,
            "returned": 0,
            "all": 6,
        }
    )


def test_moving_an_order_to_another_seller_moves_its_count(seller):
    other = SellerFactory()
    order = OrderFactory(seller=seller)
    Order.objects.filter(pk=order.pk).update(seller=other)
    assert status_counts(seller=seller)["all"] == 0
    assert status_counts(seller=other)["pending_handling"] == 1


def test_a_seller_without_orders_counts_zero_everywhere(seller):
    assert set(status_counts(seller=seller).values()) == {0}
    assert not OrderStatusCount.objects.filter(seller=seller).exists()
