"""Every change of a SKU's quantities is a movement: who, when, delta, result, reason, order."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from catalog.models import ActorKind, MovementReason, StockItem, StockMovement
from catalog.services import BelowReserved, StockUnavailable, create_sku, set_stock
from core.errors import NotFound, ValidationFailed
from disputes.services import cancel_order
from evidence.services import record_failed_attempt
from fulfillment.services import ship, start_handling
from orders.models import Status
from orders.services import LineInput, OrderInput, receive_order
from sellers.models import LogisticsMode
from tests.factories import OrderFactory, OrderLineFactory, StockItemFactory, order_with_stock
from tests.stock.conftest import assert_quantities_are_the_sum_of_movements

pytestmark = pytest.mark.django_db


def movements(item: StockItem, reason: str) -> list[StockMovement]:
    return list(StockMovement.objects.filter(stock_item=item, reason=reason).order_by("id"))


def test_a_manual_edit_records_who_delta_and_result(seller, owner):
    # given a SKU with 10 on hand
    item = StockItemFactory(seller=seller, quantity_on_hand=10)
    # when a member sets it to 4
    set_stock(seller=seller, sku=item.sku, quantity=4, actor=owner)
    # then one movement says so
    (moved,) = movements(item, MovementReason.MANUAL)
    assert (moved.delta_on_hand, moved.on_hand_after, moved.delta_reserved) == (-6, 4, 0)
    assert (moved.actor_kind, moved.actor, moved.order) == (ActorKind.MEMBER, owner, None)
    assert_quantities_are_the_sum_of_movements(item)


def test_setting_the_same_quantity_again_records_nothing(seller, owner):
    item = StockItemFactory(seller=seller, quantity_on_hand=10)
    set_stock(seller=seller, sku=item.sku, quantity=7, actor=owner)
    set_stock(seller=seller, sku=item.sku, quantity=7, actor=owner)  # a retry
    assert len(movements(item, MovementReason.MANUAL)) == 1


@pytest.mark.parametrize("bad", ["-1", "2.5", "diez", "", None, True, -3])
def test_a_quantity_that_is_not_a_whole_number_from_zero_is_refused(seller, owner, bad):
    item = StockItemFactory(seller=seller, quantity_on_hand=10)
    with pytest.raises(ValidationFailed) as refused:
        set_stock(seller=seller, sku=item.sku, quantity=bad, actor=owner)
    assert refused.value.fields["quantity"]
    item.refresh_from_db()
    assert item.quantity_on_hand == 10 and not movements(item, MovementReason.MANUAL)


def test_another_sellers_sku_is_not_found_and_untouched(seller, other_seller, owner):
    theirs = StockItemFactory(seller=other_seller, quantity_on_hand=10)
    with pytest.raises(NotFound):
        set_stock(seller=seller, sku=theirs.sku, quantity=1, actor=owner)
    theirs.refresh_from_db()
    assert theirs.quantity_on_hand == 10 and theirs.movements.count() == 1


def test_an_operator_edit_is_an_operators_movement(seller, operator):
    item = StockItemFactory(seller=seller, quantity_on_hand=10)
    set_stock(seller=seller, sku=item.sku, quantity=12, actor=operator)
    (moved,) = movements(item, MovementReason.MANUAL)
    assert (moved.actor_kind, moved.actor) == (ActorKind.OPERATOR, operator)


def test_the_order_lifecycle_moves_stock_once_each_step_with_its_order(seller, owner):
    # given an own-courier seller's order of 2 units, 10 on hand
    seller.logistics_mode = LogisticsMode.OWN_COURIER
    seller.save()
    order = order_with_stock(seller=seller, quantity=2, on_hand=10)
    item = StockItem.objects.get(seller=seller, sku=order.lines.get().sku)
    # when it is handled, shipped and returned after the last failed attempt
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    ship(order_id=order.pk, seller=seller, actor=owner, carrier="Olva", tracking_number="T-1")
    for _attempt in range(3):
        record_failed_attempt(order_id=order.pk, seller=seller, actor=owner, reason="buyer_absent", note="")
    order.refresh_from_db()
    assert order.status == Status.RETURNED
    # then reservation, shipment and return are one movement each, naming the order and the member
    reserve, shipped, returned = (
        movements(item, MovementReason.RESERVATION)
        + movements(item, MovementReason.SHIPMENT)
        + movements(item, MovementReason.RETURN)
    )
    assert (reserve.delta_on_hand, reserve.delta_reserved, reserve.reserved_after) == (0, 2, 2)
    assert (shipped.delta_on_hand, shipped.delta_reserved, shipped.on_hand_after) == (-2, -2, 8)
    assert (returned.delta_on_hand, returned.on_hand_after) == (2, 10)
    assert {m.order_id for m in (reserve, shipped, returned)} == {order.pk}
    assert {m.actor_kind for m in (reserve, shipped, returned)} == {ActorKind.MEMBER}
    assert_quantities_are_the_sum_of_movements(item)


def test_a_cancellation_releases_with_a_movement(seller, owner):
    # given a handled order (units reserved) whose buyer's request the system accepts
    from disputes.services import accept_cancellation_request, request_cancellation

    order = order_with_stock(seller=seller, quantity=3, on_hand=5)
    item = StockItem.objects.get(seller=seller, sku=order.lines.get().sku)
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    request_cancellation(order_id=order.pk, seller=seller, reason_code="buyer_request", text="Ya no", reference="R1")
    accept_cancellation_request(order_id=order.pk, seller=seller, actor=None)
    # then the release is the system's movement of that order
    (released,) = movements(item, MovementReason.RELEASE)
    assert (released.delta_reserved, released.reserved_after, released.actor_kind) == (-3, 0, ActorKind.SYSTEM)
    assert released.order_id == order.pk
    assert_quantities_are_the_sum_of_movements(item)


def test_canceling_a_pending_order_moves_nothing(seller, owner):
    order = order_with_stock(seller=seller)
    cancel_order(
        order_id=order.pk,
        seller=seller,
        actor=owner,
        cancellation_type="canceled_by_seller",
        text="Sin stock",
        responsible="Ana",
    )
    assert not StockMovement.objects.filter(order=order).exists()


def test_lowering_below_reserved_is_refused_naming_the_orders(seller, owner):
    # given 5 on hand, 3 held by an order in handling
    order = order_with_stock(seller=seller, quantity=3, on_hand=5)
    sku = order.lines.get().sku
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    # when the seller sets 2 on hand
    with pytest.raises(BelowReserved) as refused:
        set_stock(seller=seller, sku=sku, quantity=2, actor=owner)
    # then 409, naming the order; nothing changed
    assert refused.value.status_code == 409
    assert f"#{order.number}" in refused.value.message
    assert refused.value.fields["orders"] == [order.number]
    item = StockItem.objects.get(seller=seller, sku=sku)
    assert (item.quantity_on_hand, item.quantity_reserved) == (5, 3)
    # and exactly the reserved amount is fine
    set_stock(seller=seller, sku=sku, quantity=3, actor=owner)


def test_intake_creates_an_unknown_sku_with_zero_on_hand_by_the_feed(seller, site):
    # given a seller who never listed SKU NEW-1
    data = OrderInput(
        number="1001",
        external_id="PV-1001",
        placed_at=OrderFactory.build().placed_at,
        buyer_full_name="Lucía Ramírez",
        buyer_document_type="dni",
        buyer_document_number="45781236",
        lines=[LineInput(sku="NEW-1", name="Café 500 g", quantity=2, unit_price=10)],
    )
    # when an order brings it (twice: the feed retries)
    order, _created = receive_order(seller=seller, site=site, data=data)
    receive_order(seller=seller, site=site, data=data)
    # then it exists with 0 on hand, named from the line, with one movement by the feed for that order
    item = StockItem.objects.get(seller=seller, sku="NEW-1")
    assert (item.name, item.quantity_on_hand) == ("Café 500 g", 0)
    (opening,) = item.movements.all()
    assert (opening.reason, opening.actor_kind, opening.order_id) == (MovementReason.OPENING, ActorKind.FEED, order.pk)
    # and «Iniciar manejo» names it as short
    with pytest.raises(StockUnavailable) as refused:
        start_handling(order_id=order.pk, seller=seller, actor=None)
    assert refused.value.short_skus == ["NEW-1"] and refused.value.items == {"NEW-1": item.pk}


def test_intake_keeps_a_known_skus_stock(seller, site):
    item = StockItemFactory(seller=seller, sku="AND-1", quantity_on_hand=7)
    order = OrderFactory(seller=seller, site=site)
    OrderLineFactory(order=order, sku="AND-1")
    data = OrderInput(
        number="1002",
        external_id="PV-1002",
        placed_at=order.placed_at,
        buyer_full_name="Lucía Ramírez",
        buyer_document_type="dni",
        buyer_document_number="45781236",
        lines=[LineInput(sku="AND-1", name="Otro nombre", quantity=1, unit_price=10)],
    )
    receive_order(seller=seller, site=site, data=data)
    item.refresh_from_db()
    assert (item.quantity_on_hand, item.movements.count()) == (7, 1)


def test_create_sku_records_its_opening(seller, owner):
    item = create_sku(seller=seller, sku="X-1", name="Equis", actor=owner, quantity=4)
    (opening,) = item.movements.all()
    assert (opening.reason, opening.delta_on_hand, opening.actor_kind) == (MovementReason.OPENING, 4, "member")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_movements_are_append_only_in_the_database(seller, owner):
    item = StockItemFactory(seller=seller)
    moved = item.movements.get()
    # when anything tries to edit or delete a movement, even in raw SQL
    for statement in (
        "UPDATE catalog_stockmovement SET delta_on_hand = 99 WHERE id = %s",
        "DELETE FROM catalog_stockmovement WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [moved.pk])
    # then it is as written
    moved.refresh_from_db()
    assert moved.delta_on_hand == 10 and item.movements.count() == 1
