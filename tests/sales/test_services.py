"""Manual orders («Venta directa») through the service: what is created, what is refused, and that nothing
the marketplace's contract enforces (deadlines, warnings, penalties) touches them."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from core.errors import NotFound, ValidationFailed
from fulfillment.deadlines import enforce_deadlines, send_deadline_warnings
from fulfillment.models import DeadlineWarning, Penalty
from fulfillment.selectors import sla_clock
from fulfillment.services import ship, start_handling
from orders.models import Channel, Order, OrderEvent, PaymentStatus, Status
from orders.selectors import order_list
from sales.services import ManualLine, ManualOrderInput, create_manual_order
from tests.factories import OrderFactory, StockItemFactory, manual_order


def order_input(*lines: ManualLine, **fields) -> ManualOrderInput:
    data = {
        "buyer_full_name": "Rosa Quispe Mamani",
        "buyer_document_type": "dni",
        "buyer_document_number": "45781236",
        "buyer_phone": "987654321",
        "buyer_email": "rosa@example.pe",
        "payment_method": "cash",
        "delivery_method": "home_delivery",
        "shipping_address": "Jr. Junín 415",
        "shipping_district": "Miraflores",
        "shipping_city": "Lima",
        "shipping_total": Decimal("10.00"),
        **fields,
    }
    return ManualOrderInput(lines=list(lines), **data)


def test_a_manual_order_is_a_direct_sale_pending_handling_with_its_event(seller, owner):
    # given two SKUs of the seller
    coffee = StockItemFactory(seller=seller, sku="AND-CAFE-500", name="Café 500 g", quantity_on_hand=5)
    cacao = StockItemFactory(seller=seller, sku="AND-CACAO-250", name="Cacao 250 g", quantity_on_hand=5)
    # when the seller records a phone sale of both
    order = create_manual_order(
        seller=seller,
        actor=owner,
        data=order_input(
            ManualLine(sku="AND-CAFE-500", quantity=2, unit_price=Decimal("38.50")),
            ManualLine(sku="AND-CACAO-250", quantity=1, unit_price=Decimal("22.00")),
        ),
    )
    # then it is a «Venta directa» with no site, numbered V-000001, «Para manejo»
    assert (order.channel, order.site, order.number, order.status) == (
        Channel.DIRECT,
        None,
        "V-000001",
        Status.PENDING_HANDLING,
    )
    assert order.origin_label == "Venta directa" and order.penalties_apply is False
    # with the lines named after the SKUs, the seller's prices and the totals
    assert [(line.sku, line.name, line.quantity, line.unit_price) for line in order.lines.all()] == [
        ("AND-CAFE-500", "Café 500 g", 2, Decimal("38.50")),
        ("AND-CACAO-250", "Cacao 250 g", 1, Decimal("22.00")),
    ]
    assert (order.subtotal, order.shipping_total, order.total) == (
        Decimal("99.00"),
        Decimal("10.00"),
        Decimal("109.00"),
    )
    # not paid yet, and nothing reserved until «Iniciar manejo»
    assert order.payment_status == PaymentStatus.PENDING
    coffee.refresh_from_db(), cacao.refresh_from_db()
    assert coffee.quantity_reserved == cacao.quantity_reserved == 0
    # and its creation is recorded with who and when
    event = OrderEvent.objects.get(order=order)
    assert (event.kind, event.actor, event.to_status) == ("created_manually", owner, Status.PENDING_HANDLING)
    assert event.payload["payment_processed"] is False and event.created_at is not None


def test_numbers_are_per_seller_and_consecutive(seller, other_seller, owner, other_owner):
    first = manual_order(seller=seller, actor=owner)
    second = manual_order(seller=seller, actor=owner)
    theirs = manual_order(seller=other_seller, actor=other_owner)
    assert (first.number, second.number, theirs.number) == ("V-000001", "V-000002", "V-000001")


@pytest.mark.django_db(transaction=True)
def test_sales_made_at_the_same_moment_get_distinct_numbers(seller, owner):
    # given one SKU and eight clerks recording a sale at once
    StockItemFactory(seller=seller, sku="AND-CAFE-500")
    numbers, errors = [], []
    barrier = threading.Barrier(8)

    def sell():
        try:
            barrier.wait()
            order = create_manual_order(
                seller=seller, actor=owner, data=order_input(ManualLine("AND-CAFE-500", 1, Decimal("38.50")))
            )
            numbers.append(order.number)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sell) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then eight orders, V-000001 to V-000008, none twice
    assert errors == []
    assert sorted(numbers) == [f"V-{n:06d}" for n in range(1, 9)]


def test_pago_ya_procesado_registers_the_payment_of_the_total(seller, owner):
    StockItemFactory(seller=seller, sku="AND-CAFE-500")
    order = create_manual_order(
        seller=seller,
        actor=owner,
        data=order_input(
            ManualLine("AND-CAFE-500", 2, Decimal("38.50")),
            payment_method="bank_transfer",
            payment_processed=True,
            payment_reference="OP-778812",
        ),
    )
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID
    paid = OrderEvent.objects.get(order=order, kind="payment_registered")
    assert paid.actor == owner
    assert paid.payload.items() >= {"amount": "87.00", "method": "bank_transfer", "reference": "OP-778812"}.items()
    assert order.payments.get().source == "member"  # a row of the payments ledger
    # a prepaid method once paid may start handling: the stock is reserved then
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    assert Order.objects.get(pk=order.pk).status == Status.READY_TO_SHIP


def test_pago_ya_procesado_by_card_in_the_store_is_a_ledger_row_of_the_total(seller, owner):
    # given a direct sale paid by card on the store's POS (on a marketplace order, the marketplace's to confirm)
    order = manual_order(seller=seller, actor=owner, payment_method="card", payment_processed=True, quantity=3)
    # then the ledger holds one payment of the total, registered by the member
    payment = order.payments.get()
    assert (payment.kind, payment.method, payment.amount, payment.source, payment.created_by) == (
        "payment",
        "card",
        Decimal("75.00"),
        "member",
        owner,
    )
    assert order.payment_status == PaymentStatus.PAID


def test_a_processed_transfer_needs_its_reference_and_nothing_is_written_without_it(seller, owner):
    StockItemFactory(seller=seller, sku="AND-CAFE-500")
    with pytest.raises(ValidationFailed) as refused:
        create_manual_order(
            seller=seller,
            actor=owner,
            data=order_input(
                ManualLine("AND-CAFE-500", 1, Decimal("38.50")), payment_method="bank_transfer", payment_processed=True
            ),
        )
    assert list(refused.value.fields) == ["payment_reference"]
    assert not Order.objects.exists() and not OrderEvent.objects.exists()
    # and no number was used up
    assert manual_order(seller=seller, actor=owner).number == "V-000001"


def test_a_sale_of_nothing_to_pay_is_paid_with_no_ledger_row(seller, owner):
    StockItemFactory(seller=seller, sku="AND-MUESTRA")
    order = create_manual_order(
        seller=seller,
        actor=owner,
        data=order_input(
            ManualLine("AND-MUESTRA", 1, Decimal("0.00")),
            shipping_total=Decimal("0"),
            payment_method="cash",
            payment_processed=True,
        ),
    )
    assert (order.total, order.payment_status, order.payments.count()) == (Decimal("0.00"), PaymentStatus.PAID, 0)


def test_an_unpaid_direct_sale_is_paid_later_with_registrar_pago(seller, owner):
    from payments.services import register_payment

    order = manual_order(seller=seller, actor=owner, payment_method="wallet")
    register_payment(order_id=order.pk, seller=seller, actor=owner, reference="YAPE-778")
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    assert Order.objects.get(pk=order.pk).status == Status.READY_TO_SHIP


def test_a_prepaid_method_not_marked_processed_stays_pending_payment(seller, owner):
    order = manual_order(seller=seller, actor=owner, payment_method="bank_transfer")
    assert order.payment_status == PaymentStatus.PENDING
    assert not OrderEvent.objects.filter(order=order, kind="payment_registered").exists()
    with pytest.raises(Exception) as refused:
        start_handling(order_id=order.pk, seller=seller, actor=owner)
    assert getattr(refused.value, "code", "") == "payment_pending"


def test_cash_on_delivery_cannot_be_already_processed(seller, owner):
    StockItemFactory(seller=seller, sku="AND-CAFE-500")
    with pytest.raises(ValidationFailed) as refused:
        create_manual_order(
            seller=seller,
            actor=owner,
            data=order_input(
                ManualLine("AND-CAFE-500", 1, Decimal("38.50")),
                payment_method="cash_on_delivery",
                payment_processed=True,
            ),
        )
    assert "payment_processed" in refused.value.fields
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("fields", "line", "field"),
    [
        ({"buyer_full_name": "  "}, None, "buyer_full_name"),
        ({"buyer_document_number": "1234567"}, None, "buyer_document_number"),
        ({"buyer_document_type": "ruc", "buyer_document_number": "2060123456"}, None, "buyer_document_number"),
        ({"buyer_document_type": "licencia"}, None, "buyer_document_type"),
        ({"buyer_phone": "llámame"}, None, "buyer_phone"),
        ({"buyer_email": "rosa@"}, None, "buyer_email"),
        ({"shipping_address": ""}, None, "shipping_address"),
        ({"delivery_method": "drone"}, None, "delivery_method"),
        ({"shipping_total": Decimal("-1")}, None, "shipping_total"),
        ({"payment_method": "bitcoin"}, None, "payment_method"),
        ({}, ManualLine("AND-CAFE-500", 0, Decimal("1")), "lines.0.quantity"),
        ({}, ManualLine("AND-CAFE-500", 1, Decimal("-1")), "lines.0.unit_price"),
        ({}, ManualLine("AND-CAFE-500", 1, Decimal("1.001")), "lines.0.unit_price"),
        ({}, ManualLine("", 1, Decimal("1")), "lines.0.sku"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(seller, owner, fields, line, field):
    StockItemFactory(seller=seller, sku="AND-CAFE-500")
    lines = [line or ManualLine("AND-CAFE-500", 1, Decimal("38.50"))]
    with pytest.raises(ValidationFailed) as refused:
        create_manual_order(seller=seller, actor=owner, data=order_input(*lines, **fields))
    assert field in refused.value.fields
    assert not Order.objects.exists() and not OrderEvent.objects.exists()


def test_no_lines_and_a_repeated_sku_are_refused(seller, owner):
    StockItemFactory(seller=seller, sku="AND-CAFE-500")
    with pytest.raises(ValidationFailed) as empty:
        create_manual_order(seller=seller, actor=owner, data=order_input())
    assert "lines" in empty.value.fields
    twice = [ManualLine("AND-CAFE-500", 1, Decimal("1")), ManualLine("AND-CAFE-500", 2, Decimal("1"))]
    with pytest.raises(ValidationFailed) as repeated:
        create_manual_order(seller=seller, actor=owner, data=order_input(*twice))
    assert "lines.1.sku" in repeated.value.fields
    assert not Order.objects.exists()


def test_a_pickup_needs_no_address_and_names_the_store(seller, owner):
    order = manual_order(seller=seller, actor=owner, delivery_method="pickup_point")
    assert (order.delivery_method, order.pickup_point_name, order.shipping_address) == (
        "pickup_point",
        "Recojo en tienda",
        "",
    )


def test_another_sellers_sku_or_an_unknown_one_is_not_found_and_nothing_is_written(seller, other_seller, owner):
    # given a SKU of another seller
    StockItemFactory(seller=other_seller, sku="COSTA-ACEITE-1L")
    StockItemFactory(seller=seller, sku="AND-CAFE-500")
    for sku in ("COSTA-ACEITE-1L", "NO-EXISTE"):
        # when seller A names it on a manual order
        with pytest.raises(NotFound) as refused:
            create_manual_order(
                seller=seller,
                actor=owner,
                data=order_input(ManualLine("AND-CAFE-500", 1, Decimal("1")), ManualLine(sku, 1, Decimal("1"))),
            )
        # then it is «not found», beside that line, and nothing is written (not even a number taken)
        assert list(refused.value.fields) == ["lines.1.sku"]
    assert not Order.objects.exists() and not OrderEvent.objects.exists()
    assert manual_order(seller=seller, actor=owner).number == "V-000001"


def test_a_direct_sale_needs_no_site_but_a_marketplace_order_does(seller):
    # the database holds the rule: a marketplace order without site, or a direct one with a site, is refused
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(seller=seller, site=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(seller=seller, channel=Channel.DIRECT)


def test_the_sweep_warnings_and_late_actions_ignore_direct_sales(seller, site, owner):
    # given a direct sale and a marketplace order placed at the same moment
    direct = manual_order(seller=seller, actor=owner, payment_method="cash")
    marketplace = OrderFactory(seller=seller, site=site, placed_at=direct.placed_at)
    # when the warnings run within the lead time of a 24 h window
    with time_machine.travel(direct.placed_at + timedelta(hours=21), tick=False):
        send_deadline_warnings()
    # then only the marketplace order is warned about
    assert list(DeadlineWarning.objects.values_list("order_id", flat=True)) == [marketplace.pk]
    # when the sweep runs two days later and the seller handles the direct sale then
    with time_machine.travel(direct.placed_at + timedelta(days=2), tick=False):
        result = enforce_deadlines()
        start_handling(order_id=direct.pk, seller=seller, actor=owner)
    # then only the marketplace order has a penalty, and the direct sale's handling was not late
    assert result.total == 1
    assert list(Penalty.objects.values_list("order_id", flat=True)) == [marketplace.pk]
    assert OrderEvent.objects.get(order=direct, kind="start_handling").payload["late"] is False
    # nor is shipping it a week after
    with time_machine.travel(direct.placed_at + timedelta(days=9), tick=False):
        ship(order_id=direct.pk, seller=seller, actor=owner, carrier="Olva", tracking_number="OLV-1")
        assert enforce_deadlines().total == 0
    assert not Penalty.objects.filter(order=direct).exists()
    assert "late" not in OrderEvent.objects.get(order=direct, kind="ship").payload


def test_the_sla_clock_says_no_marketplace_penalty(seller, owner):
    order = manual_order(seller=seller, actor=owner)
    clock = sla_clock(order)
    assert clock.text == "Iniciar manejo — Venta directa: sin penalidad del marketplace"
    assert (clock.deadline, clock.overdue, clock.amount, clock.penalties_apply) == (None, False, None, False)


def test_direct_sales_have_no_deadline_to_sort_or_warn_by(seller, site, owner):
    direct = manual_order(seller=seller, actor=owner)
    marketplace = OrderFactory(seller=seller, site=site)
    assert list(order_list(seller=seller, sort="deadline")) == [marketplace]
    assert list(order_list(seller=seller, channel="direct")) == [direct]
    assert list(order_list(seller=seller, channel="marketplace")) == [marketplace]
