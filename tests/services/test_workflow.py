"""The state machine through its services: every action from every state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from disputes.services import cancel_order
from evidence.models import DeliveryEvidence
from evidence.services import add_delivery_evidence, deliver, record_failed_attempt
from fulfillment.models import Shipment
from fulfillment.services import release_reservations, ship, start_handling
from orders.models import Order, OrderEvent, Status
from orders.workflow import SELLER_ACTIONS, TRANSITIONS, allowed_actions, transition
from tests.factories import OrderFactory, order_with_stock

pytestmark = pytest.mark.django_db

SHIP_ARGS = {"carrier": "Olva Courier", "tracking_number": "OLV-000123"}
CANCEL_ARGS = {"cancellation_type": "canceled_by_seller", "text": "Quiebre de stock", "responsible": "Ana Pérez"}


def act(action: str, order: Order, actor):
    """Run an action's service with valid input, as the seller would."""
    seller = order.seller
    if action == "start_handling":
        return start_handling(order_id=order.id, seller=seller, actor=actor)
    if action == "ship":
        return ship(order_id=order.id, seller=seller, actor=actor, **SHIP_ARGS)
    if action == "deliver":
        return deliver(order_id=order.id, seller=seller, actor=actor)
    if action == "cancel":
        return cancel_order(order_id=order.id, seller=seller, actor=actor, **CANCEL_ARGS)
    raise AssertionError(action)


def order_in(status: str, seller) -> Order:
    order = order_with_stock(seller=seller, status=status)
    if status in (Status.SHIPPED, Status.DELIVERED):
        DeliveryEvidence.objects.create(
            seller=seller, order=order, kind="buyer_receiving", url="https://fotos.example.pe/entrega.jpg"
        )
    return order


def test_the_happy_path_records_one_event_and_one_timestamp_per_step(seller, owner):
    # given a new order whose SKU is in stock
    order = order_with_stock(seller=seller, quantity=2)
    # when the seller handles, ships, proves and delivers it
    start_handling(order_id=order.id, seller=seller, actor=owner)
    ship(order_id=order.id, seller=seller, actor=owner, **SHIP_ARGS)
    add_delivery_evidence(
        order_id=order.id, seller=seller, actor=owner, kind="buyer_receiving", url="https://fotos.example.pe/1.jpg"
    )
    order = deliver(order_id=order.id, seller=seller, actor=owner)
    # then it is delivered, with its history in order and every milestone stamped
    assert order.status == Status.DELIVERED
    assert list(order.events.values_list("kind", flat=True)) == ["start_handling", "ship", "evidence_added", "deliver"]
    order.refresh_from_db()
    assert order.handling_started_at <= order.shipped_at <= order.delivered_at
    assert order.events.get(kind="ship").actor == owner
    assert order.events.get(kind="deliver").from_status == Status.SHIPPED


@pytest.mark.parametrize("action", SELLER_ACTIONS)
@pytest.mark.parametrize("status", Status.values)
def test_each_action_from_each_state(action, status, seller, owner):
    # given an order in `status`, ready in every other respect for `action`
    order = order_in(status, seller)
    events_before = order.events.count()
    allowed = status in TRANSITIONS[action].sources
    # when the seller takes the action
    if allowed:
        result = act(action, order, owner)
        # then it moves to the target, with one event
        assert result.status == TRANSITIONS[action].target
        assert order.events.count() == events_before + 1
    else:
        with pytest.raises(InvalidTransition) as refused:
            act(action, order, owner)
        # then it is refused with the current state, and nothing changed
        assert refused.value.status_code == 409
        assert refused.value.status == status
        order.refresh_from_db()
        assert order.status == status
        assert order.events.count() == events_before
    # and allowed_actions offers exactly the actions that succeed
    assert (action in allowed_actions(order_in(status, seller), owner)) == allowed


def test_another_sellers_order_is_not_found_and_unchanged(seller, other_seller, owner):
    # given an order of another seller
    foreign = order_with_stock(seller=other_seller)
    # when seller A tries each action on it
    for action in SELLER_ACTIONS:
        with pytest.raises(NotFound):
            transition(order_id=foreign.id, seller=seller, action=action, actor=owner)
    # then it is untouched
    foreign.refresh_from_db()
    assert foreign.status == Status.PENDING_HANDLING
    assert not foreign.events.exists()


def test_allowed_actions_are_empty_for_a_non_member(seller, other_owner):
    order = order_with_stock(seller=seller)
    assert allowed_actions(order, other_owner) == []


def test_start_handling_reserves_stock_once(seller, owner):
    # given 5 units on hand and an order for 2
    order = order_with_stock(seller=seller, quantity=2, on_hand=5)
    item = order.lines.get().sku
    # when handling starts
    start_handling(order_id=order.id, seller=seller, actor=owner)
    # then 2 units are reserved by one reservation
    stock = seller.stock_items.get(sku=item)
    assert (stock.quantity_on_hand, stock.quantity_reserved, stock.available) == (5, 2, 3)
    assert order.stock_reservations.get().quantity == 2


def test_start_handling_sets_the_ship_by_deadline_from_the_contract(seller, owner):
    seller.contract.ship_by_window = timedelta(hours=48)
    seller.contract.save()
    order = order_with_stock(seller=seller)
    order = start_handling(order_id=order.id, seller=seller, actor=owner)
    order.refresh_from_db()
    assert order.ship_by_deadline == order.handling_started_at + timedelta(hours=48)


def test_start_handling_without_stock_names_the_short_skus(seller, owner):
    # given an order for 3 units of a SKU with 2 available, and a SKU the seller never stocked
    order = order_with_stock(seller=seller, quantity=3, on_hand=2)
    order.lines.create(sku="NO-EXISTE", name="Fantasma", quantity=1, unit_price=10)
    # when the seller presses "Iniciar manejo"
    with pytest.raises(Conflict) as refused:
        start_handling(order_id=order.id, seller=seller, actor=owner)
    # then the message names both SKUs, and nothing is reserved or moved
    short = order.lines.first().sku
    assert short in refused.value.message and "NO-EXISTE" in refused.value.message
    order.refresh_from_db()
    assert order.status == Status.PENDING_HANDLING
    assert seller.stock_items.get(sku=short).quantity_reserved == 0
    assert not order.stock_reservations.exists()


def test_prepaid_order_without_payment_cannot_be_handled(seller, owner):
    order = order_with_stock(seller=seller, payment_method="bank_transfer", payment_status="pending")
    with pytest.raises(Conflict, match="pago"):
        start_handling(order_id=order.id, seller=seller, actor=owner)
    order.refresh_from_db()
    assert order.status == Status.PENDING_HANDLING


def test_cash_on_delivery_can_be_handled_before_payment(seller, owner):
    order = order_with_stock(seller=seller, payment_method="cash_on_delivery", payment_status="pending")
    assert start_handling(order_id=order.id, seller=seller, actor=owner).status == Status.READY_TO_SHIP


def test_late_handling_is_marked_on_the_event(seller, owner):
    order = order_with_stock(seller=seller, placed_at=timezone.now() - timedelta(hours=30))
    start_handling(order_id=order.id, seller=seller, actor=owner)
    assert order.events.get(kind="start_handling").payload["late"] is True


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"carrier": "", "tracking_number": "X1"}, "carrier"),
        ({"carrier": "Olva", "tracking_number": "  "}, "tracking_number"),
        ({**SHIP_ARGS, "shipped_at": timezone.now() + timedelta(days=1)}, "shipped_at"),
        ({**SHIP_ARGS, "tracking_url": "ftp://olva.pe/x"}, "tracking_url"),
    ],
)
def test_ship_refuses_bad_input_and_changes_nothing(fields, bad_field, seller, owner):
    order = OrderFactory(seller=seller, status=Status.READY_TO_SHIP)
    with pytest.raises(ValidationFailed) as refused:
        ship(order_id=order.id, seller=seller, actor=owner, **fields)
    assert bad_field in refused.value.fields
    order.refresh_from_db()
    assert order.status == Status.READY_TO_SHIP
    assert not Shipment.objects.filter(order=order).exists()


def test_ship_before_the_purchase_is_refused(seller, owner):
    order = OrderFactory(seller=seller, status=Status.READY_TO_SHIP)
    with pytest.raises(ValidationFailed) as refused:
        ship(
            order_id=order.id, seller=seller, actor=owner, **SHIP_ARGS, shipped_at=order.placed_at - timedelta(hours=1)
        )
    assert "shipped_at" in refused.value.fields
    assert not Shipment.objects.filter(order=order).exists()


def test_ship_records_the_shipment_with_its_date(seller, owner):
    order = OrderFactory(seller=seller, status=Status.READY_TO_SHIP)
    when = timezone.now() - timedelta(minutes=30)
    ship(
        order_id=order.id,
        seller=seller,
        actor=owner,
        carrier="Shalom",
        tracking_number="SH-1",
        tracking_url="https://shalom.pe/t/SH-1",
        guide_number="G-77",
        shipped_at=when,
    )
    shipment = order.shipment
    order.refresh_from_db()
    assert (shipment.carrier, shipment.tracking_number, shipment.guide_number) == ("Shalom", "SH-1", "G-77")
    assert order.shipped_at == when == shipment.shipped_at


def test_deliver_without_evidence_is_refused(seller, owner):
    order = OrderFactory(seller=seller, status=Status.SHIPPED)
    with pytest.raises(Conflict) as refused:
        deliver(order_id=order.id, seller=seller, actor=owner)
    assert refused.value.code == "evidence_required"
    order.refresh_from_db()
    assert order.status == Status.SHIPPED


@pytest.mark.parametrize("missing", ["text", "responsible", "cancellation_type"])
def test_cancel_needs_text_type_and_responsible(missing, seller, owner):
    order = order_with_stock(seller=seller)
    with pytest.raises(ValidationFailed) as refused:
        cancel_order(order_id=order.id, seller=seller, actor=owner, **{**CANCEL_ARGS, missing: ""})
    assert missing in refused.value.fields
    order.refresh_from_db()
    assert order.status == Status.PENDING_HANDLING


def test_cancel_after_handling_points_to_a_dispute(seller, owner):
    order = order_with_stock(seller=seller)
    start_handling(order_id=order.id, seller=seller, actor=owner)
    with pytest.raises(InvalidTransition) as refused:
        cancel_order(order_id=order.id, seller=seller, actor=owner, **CANCEL_ARGS)
    assert "controversia" in refused.value.message


def test_cancel_records_who_why_and_when(seller, owner):
    order = order_with_stock(seller=seller)
    order = cancel_order(order_id=order.id, seller=seller, actor=owner, **CANCEL_ARGS)
    assert order.status == Status.CANCELED and order.canceled_at is not None
    assert order.cancellation.responsible == "Ana Pérez"
    assert OrderEvent.objects.get(order=order, kind="cancel").payload["cancellation_type"] == "canceled_by_seller"


def test_stock_follows_the_parcel_held_shipped_and_returned(seller, owner):
    # given 5 on hand and an order for 2
    order = order_with_stock(seller=seller, quantity=2, on_hand=5)
    item = seller.stock_items.get(sku=order.lines.get().sku)

    def shelf():
        item.refresh_from_db()
        return item.quantity_on_hand, item.quantity_reserved

    # "Iniciar manejo" holds 2; "Realizar envío" takes them off the shelf
    start_handling(order_id=order.id, seller=seller, actor=owner)
    assert shelf() == (5, 2)
    ship(order_id=order.id, seller=seller, actor=owner, **SHIP_ARGS)
    assert shelf() == (3, 0)
    # when the courier gives up after the contract's attempts, the parcel comes back to the shelf, once
    for _attempt in range(seller.contract.max_delivery_attempts):
        record_failed_attempt(order_id=order.id, seller=seller, actor=owner, reason="buyer_absent")
    order.refresh_from_db()
    assert order.status == Status.RETURNED
    assert shelf() == (5, 0)


def test_a_cancellation_before_shipping_releases_the_hold(seller, owner):
    order = order_with_stock(seller=seller, quantity=2, on_hand=5)
    start_handling(order_id=order.id, seller=seller, actor=owner)
    release_reservations(order=order)
    release_reservations(order=order)  # twice: once in effect
    item = seller.stock_items.get(sku=order.lines.get().sku)
    assert (item.quantity_on_hand, item.quantity_reserved) == (5, 0)
