"""Operators register and reverse payments through the services; the order's money is read-only."""

from decimal import Decimal

import pytest

from orders.models import PaymentStatus
from payments.models import Kind, Payment, Source
from payments.services import register_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


def test_an_operator_registers_a_payment_with_the_sellers_service(admin_client, transfer_order, operator):
    answer = admin_client.post(
        "/admin/payments/payment/registrar/", {"order": transfer_order.pk, "amount": "40.00", "reference": "OP-9"}
    )
    assert answer.status_code == 302
    row = Payment.objects.get()
    assert (row.source, row.created_by, row.amount) == (Source.OPERATOR, operator, Decimal("40.00"))
    transfer_order.refresh_from_db()
    assert transfer_order.payment_status == PaymentStatus.PARTIALLY_PAID
    # more than the balance: the service's 409 becomes the form's error, nothing written
    too_much = {"order": transfer_order.pk, "amount": "90", "reference": "OP-10"}
    answer = admin_client.post("/admin/payments/payment/registrar/", too_much)
    assert answer.status_code == 200 and "supera el saldo" in answer.content.decode()
    assert Payment.objects.count() == 1


def test_an_operator_reverses_a_row_with_a_reason(admin_client, transfer_order, seller, owner):
    payment = register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="OP-1")
    changelist = "/admin/payments/payment/"
    refused = admin_client.post(changelist, {"action": "reverse", "_selected_action": [payment.pk], "reason": ""})
    assert refused.status_code == 302 and Payment.objects.count() == 1
    admin_client.post(changelist, {"action": "reverse", "_selected_action": [payment.pk], "reason": "Otra orden"})
    reversal = Payment.objects.get(kind=Kind.REVERSAL)
    assert reversal.reverses == payment and reversal.note == "Otra orden"
    transfer_order.refresh_from_db()
    assert transfer_order.payment_status == PaymentStatus.PENDING


def test_the_order_admin_shows_money_and_payment_read_only(admin_client, transfer_order):
    page = admin_client.get(f"/admin/orders/order/{transfer_order.pk}/change/")
    form = page.context["adminform"].form
    for field in ("subtotal", "shipping_total", "total", "currency", "payment_method", "payment_status"):
        assert field not in form.fields
    # a forged POST of those fields changes nothing
    transfer_order.refresh_from_db()
    assert transfer_order.payment_status == PaymentStatus.PENDING


def test_the_ledger_admin_cannot_edit_or_delete(admin_client, transfer_order, seller, owner):
    payment = register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="OP-1")
    assert admin_client.get(f"/admin/payments/payment/{payment.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/payments/payment/{payment.pk}/delete/").status_code == 403
    assert Payment.objects.count() == 1
