"""The ledger and the services that write it: every rule of «Registrar pago», the feed, refunds, reversals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.errors import Conflict, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from disputes.services import open_dispute, resolve_dispute
from fulfillment.services import start_handling
from orders.models import Order, PaymentStatus, Status, awaits_payment
from orders.services import LineInput, OrderInput, receive_order
from payments.ledger import Totals, payment_status_of
from payments.models import EntryStatus, Kind, Payment, Source
from payments.services import record_feed_payment, register_payment, reverse_payment
from tests.factories import OrderFactory, SiteFactory, order_in_status, order_with_stock
from tests.payments.conftest import PNG_PIXEL

pytestmark = pytest.mark.django_db


def status_of(order) -> str:
    order.refresh_from_db()
    return order.payment_status


# --- the derivation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "refunded", "expired", "expected"),
    [
        ("0", "0", False, PaymentStatus.PENDING),
        ("0", "0", True, PaymentStatus.EXPIRED),
        ("40", "0", False, PaymentStatus.PARTIALLY_PAID),
        ("100", "0", False, PaymentStatus.PAID),
        ("100", "30", False, PaymentStatus.PARTIALLY_REFUNDED),
        ("100", "100", False, PaymentStatus.REFUNDED),
    ],
)
def test_the_status_is_derived_from_the_totals(received, refunded, expired, expected):
    totals = Totals(received=Decimal(received), refunded=Decimal(refunded))
    assert payment_status_of(total=Decimal("100"), totals=totals, expired=expired) == expected


# --- «Registrar pago» ----------------------------------------------------------------------------------


def test_a_transfer_with_a_reference_pays_the_balance_and_unlocks_handling(transfer_order, seller, owner):
    # given an unpaid transfer order, which cannot be handled
    assert awaits_payment(transfer_order)
    with pytest.raises(Conflict):
        start_handling(order_id=transfer_order.pk, seller=seller, actor=owner)
    # when the seller registers the payment with its reference and no amount
    payment = register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="OP-778812")
    # then the balance was paid, by the member, and the order's history says so
    assert (payment.amount, payment.kind, payment.source, payment.created_by) == (
        Decimal("100.00"),
        Kind.PAYMENT,
        Source.MEMBER,
        owner,
    )
    assert status_of(transfer_order) == PaymentStatus.PAID
    event = transfer_order.events.get(kind="payment_registered")
    assert event.actor == owner and event.payload["amount"] == "100.00"
    assert event.payload["reference"] == "OP-778812"
    # and «Iniciar manejo» now works
    assert start_handling(order_id=transfer_order.pk, seller=seller, actor=owner).status == Status.READY_TO_SHIP


def test_partial_payments_add_up_to_paid(transfer_order, seller, owner):
    register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, amount="40", reference="A-1")
    assert status_of(transfer_order) == PaymentStatus.PARTIALLY_PAID
    with pytest.raises(Conflict):
        start_handling(order_id=transfer_order.pk, seller=seller, actor=owner)
    second = register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="A-2")
    assert second.amount == Decimal("60.00")
    assert status_of(transfer_order) == PaymentStatus.PAID


def test_more_than_the_balance_is_refused_and_nothing_is_written(transfer_order, seller, owner):
    with pytest.raises(Conflict) as refused:
        register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, amount="100.01", reference="X")
    assert refused.value.code == "over_balance" and refused.value.status_code == 409
    assert not Payment.objects.exists() and not transfer_order.events.filter(kind__startswith="payment").exists()


def test_a_paid_order_takes_no_more_payments(transfer_order, seller, owner):
    register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="X")
    with pytest.raises(Conflict) as refused:
        register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="Y")
    assert refused.value.code == "already_paid"


def test_a_transfer_needs_a_reference_or_a_document(transfer_order, seller, owner):
    with pytest.raises(ValidationFailed) as refused:
        register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="  ")
    assert "reference" in refused.value.fields
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.001", "NaN", "1e40"])
def test_a_bad_amount_is_400(transfer_order, seller, owner, amount):
    with pytest.raises(ValidationFailed):
        register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, amount=amount, reference="X")


def test_a_supporting_document_is_checked_and_kept(transfer_order, seller, owner):
    receipt = SimpleUploadedFile("voucher.png", PNG_PIXEL, content_type="image/png")
    payment = register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, document=receipt)
    assert payment.document and payment.document.name.startswith("payments/")
    assert payment.document_content_type == "image/png" and len(payment.document_sha256) == 64
    assert status_of(transfer_order) == PaymentStatus.PAID


def test_a_document_that_is_not_an_image_or_pdf_is_415(transfer_order, seller, owner):
    fake = SimpleUploadedFile("voucher.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(UnsupportedMediaType):
        register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, document=fake)
    assert not Payment.objects.exists()


def test_a_document_over_the_limit_is_413(transfer_order, seller, owner, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("voucher.png", PNG_PIXEL, content_type="image/png")
    with pytest.raises(PayloadTooLarge):
        register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, document=big)


def test_a_card_order_is_paid_by_the_marketplace_not_by_hand(seller, owner):
    order = order_with_stock(seller=seller, payment_method="card", payment_status="pending")
    with pytest.raises(Conflict) as refused:
        register_payment(order_id=order.pk, seller=seller, actor=owner, reference="X")
    assert refused.value.code == "payment_by_marketplace"


def test_an_operator_registers_any_method(seller, operator):
    order = order_with_stock(seller=seller, payment_method="card", payment_status="pending")
    register_payment(order_id=order.pk, seller=seller, actor=operator, reference="X", source=Source.OPERATOR)
    assert status_of(order) == PaymentStatus.PAID
    assert order.payments.get().created_by_label == operator.get_username() or operator.get_full_name()


def test_a_canceled_order_takes_no_payment(seller, owner):
    order = order_in_status(Status.CANCELED, seller=seller, actor=owner, payment_method="bank_transfer",
                            payment_status="pending")  # fmt: skip
    with pytest.raises(Conflict):
        register_payment(order_id=order.pk, seller=seller, actor=owner, reference="X")


def test_another_sellers_order_is_not_found_and_untouched(transfer_order, other_seller, other_owner):
    with pytest.raises(NotFound):
        register_payment(order_id=transfer_order.pk, seller=other_seller, actor=other_owner, reference="X")
    assert status_of(transfer_order) == PaymentStatus.PENDING and not Payment.objects.exists()


def test_paying_late_restarts_the_handling_clock_instead_of_penalizing(seller, owner):
    # given a transfer order placed 30 h ago: its original handling deadline (24 h) has passed
    order = order_with_stock(
        seller=seller,
        payment_method="bank_transfer",
        payment_status="pending",
        placed_at=timezone.now() - timedelta(hours=30),
    )
    # when the payment arrives now
    register_payment(order_id=order.pk, seller=seller, actor=owner, reference="LATE-1")
    order.refresh_from_db()
    # then the seller has a full handling window from now, and handling is on time
    assert order.handling_deadline > timezone.now() + timedelta(hours=23)
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    assert order.events.get(kind="start_handling").payload["late"] is False
    assert not order.penalties.exists()


# --- the ledger is append-only ------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("statement", ["UPDATE payments_payment SET amount = 1", "DELETE FROM payments_payment"])
def test_the_database_refuses_to_change_a_ledger_row(transfer_order, seller, owner, statement):
    register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="X")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Payment.objects.get().amount == Decimal("100.00")


def test_a_reversal_is_a_new_row_and_reopens_the_balance(transfer_order, seller, owner, operator):
    payment = register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="WRONG")
    reversal = reverse_payment(payment_id=payment.pk, actor=operator, reason="Transferencia de otra orden")
    assert (reversal.kind, reversal.reverses, reversal.effect) == (Kind.REVERSAL, payment, Decimal("-100.00"))
    assert Payment.objects.count() == 2
    assert status_of(transfer_order) == PaymentStatus.PENDING
    assert transfer_order.events.filter(kind="payment_reversed").exists()
    with pytest.raises(Conflict):
        reverse_payment(payment_id=payment.pk, actor=operator, reason="otra vez")
    with pytest.raises(Conflict):
        reverse_payment(payment_id=reversal.pk, actor=operator, reason="revertir la reversión")


# --- the marketplace feed --------------------------------------------------------------------------------


def test_the_feed_confirms_once_by_reference(seller):
    order = order_with_stock(seller=seller, payment_method="card", payment_status="pending")
    first, created = record_feed_payment(order_id=order.pk, seller=seller, reference="PV-PAY-1", status="confirmed")
    again, created_again = record_feed_payment(
        order_id=order.pk, seller=seller, reference="PV-PAY-1", status="confirmed", amount="100.00"
    )
    assert created and not created_again and first == again
    assert (first.source, first.created_by) == (Source.MARKETPLACE, None)
    assert status_of(order) == PaymentStatus.PAID and order.payments.count() == 1
    with pytest.raises(Conflict):
        record_feed_payment(order_id=order.pk, seller=seller, reference="PV-PAY-1", status="confirmed", amount="5")


def test_a_failed_payment_is_recorded_and_counts_nothing(seller):
    order = order_with_stock(seller=seller, payment_method="card", payment_status="pending")
    failed, _created = record_feed_payment(order_id=order.pk, seller=seller, reference="PV-9", status="failed")
    assert failed.status == EntryStatus.FAILED and failed.effect == 0
    assert status_of(order) == PaymentStatus.PENDING
    assert order.events.filter(kind="payment_failed").exists()


def test_refunds_from_the_feed_partial_then_total(seller):
    order = OrderFactory(seller=seller)  # a card order that arrived paid: one marketplace row
    record_feed_payment(order_id=order.pk, seller=seller, reference="R-1", status="refunded", amount="30")
    assert status_of(order) == PaymentStatus.PARTIALLY_REFUNDED
    with pytest.raises(Conflict):
        record_feed_payment(order_id=order.pk, seller=seller, reference="R-2", status="refunded", amount="80")
    record_feed_payment(order_id=order.pk, seller=seller, reference="R-2", status="refunded")
    assert status_of(order) == PaymentStatus.REFUNDED


def test_an_order_that_arrives_paid_gets_its_marketplace_row(seller):
    site = SiteFactory(code="oechsle")
    data = OrderInput(
        number="55001", external_id="OE-55001", placed_at=timezone.now(), buyer_full_name="Ana Díaz",
        buyer_document_type="dni", buyer_document_number="45781236", payment_method="wallet",
        lines=[LineInput(sku="A-1", name="Café", quantity=2, unit_price=Decimal("20.00"))],
    )  # fmt: skip
    order, _created = receive_order(seller=seller, site=site, data=data)
    row = order.payments.get()
    assert (row.source, row.amount, row.method) == (Source.MARKETPLACE, Decimal("40.00"), "wallet")
    assert order.payment_status == PaymentStatus.PAID


def test_a_dispute_for_the_buyer_refunds_what_was_paid_in_the_ledger(seller, owner, operator):
    order = order_in_status(Status.READY_TO_SHIP, seller=seller, actor=owner)
    dispute, _created = open_dispute(order_id=order.pk, seller=seller, actor=owner, party="seller",
                                     reason_code="canceled_by_seller", text="Sin stock", responsible="Ana")  # fmt: skip
    resolve_dispute(dispute_id=dispute.pk, actor=operator, outcome="for_buyer", note="Reembolso")
    refund = order.payments.get(kind=Kind.REFUND)
    assert refund.amount == order.total and refund.source == Source.OPERATOR
    assert status_of(order) == PaymentStatus.REFUNDED
    assert Order.objects.get(pk=order.pk).status == Status.CANCELED
