"""Payments in the dashboard: «Registrar pago» on the order page, «Entregar» with cash, the list's
payment filter, the «Pagos» page with its totals and CSV, and the expired order's reason everywhere."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import PaymentStatus, Status
from payments.models import Payment
from payments.services import expire_unpaid_orders, record_feed_payment, register_payment
from tests.dashboard.conftest import page_messages, png_upload
from tests.factories import DEFAULT_PASSWORD, OrderFactory, order_in_status, order_with_stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(client, owner):
    assert client.login(username=owner.username, password=DEFAULT_PASSWORD)
    return client


def test_registrar_pago_with_a_reference_enables_iniciar_manejo(client_a, transfer_order):
    page = client_a.get(reverse("dashboard:order_detail", args=[transfer_order.pk]))
    html = page.content.decode()
    # given an unpaid transfer order: «Registrar pago» is offered, «Iniciar manejo» is not
    assert 'data-action="register_payment"' in html and 'data-action="start_handling"' not in html
    assert 'data-testid="payment-due"' in html
    # when the seller registers the payment with its reference
    answer = client_a.post(
        reverse("dashboard:register_payment", args=[transfer_order.pk]), {"reference": "OP-778812"}, follow=True
    )
    # then the order is paid, the history shows who registered how much, and «Iniciar manejo» is offered
    assert "Pago registrado." in page_messages(answer)
    transfer_order.refresh_from_db()
    assert transfer_order.payment_status == PaymentStatus.PAID
    html = answer.content.decode()
    assert 'data-action="start_handling"' in html and 'data-action="register_payment"' not in html
    assert "OP-778812" in html and "S/ 100" in html
    start = client_a.post(reverse("dashboard:start_handling", args=[transfer_order.pk]))
    assert start.status_code == 302
    transfer_order.refresh_from_db()
    assert transfer_order.status == Status.READY_TO_SHIP


def test_a_document_instead_of_a_reference(client_a, transfer_order):
    client_a.post(
        reverse("dashboard:register_payment", args=[transfer_order.pk]),
        {"amount": "40.00", "document": png_upload("voucher.png")},
    )
    row = Payment.objects.get()
    assert row.document and row.amount == Decimal("40.00")
    download = client_a.get(reverse("dashboard:payment_document", args=[row.pk]))
    assert download.status_code == 200
    transfer_order.refresh_from_db()
    assert transfer_order.payment_status == PaymentStatus.PARTIALLY_PAID


def test_a_refused_payment_writes_nothing_and_says_why(client_a, transfer_order):
    # more than the balance (409): back to the order with the reason
    url = reverse("dashboard:register_payment", args=[transfer_order.pk])
    answer = client_a.post(url, {"amount": "500", "reference": "OP-1"}, follow=True)
    assert any("supera el saldo" in message for message in page_messages(answer))
    # no reference nor document (400): the form comes back open, filled in, the problem beside the field
    answer = client_a.post(url, {"amount": "20", "note": "Yape de la hermana"})
    assert answer.status_code == 200 and answer.context["open_action"] == "register_payment"
    form = answer.context["payment_form"]
    assert form["note"].value() == "Yape de la hermana" and form.errors["reference"]
    assert not Payment.objects.exists()


def test_deliver_cash_on_delivery_asks_for_the_cash(client_a, seller, owner):
    order = order_in_status(Status.SHIPPED, seller=seller, actor=owner, payment_method="cash_on_delivery",
                            payment_status="pending", evidence_url="https://fotos.example.pe/e.jpg")  # fmt: skip
    page = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "¿Cobraste el efectivo?" in page
    client_a.post(reverse("dashboard:deliver", args=[order.pk]), {"kind": "buyer_receiving", "cash_collected": "100"})
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (Status.DELIVERED, PaymentStatus.PAID)
    assert order.payments.get().method == "cash_on_delivery"


def test_the_order_list_filters_delivered_unpaid_cod_orders(client_a, seller, owner):
    unpaid = order_in_status(Status.DELIVERED, seller=seller, actor=owner, payment_method="cash_on_delivery",
                             payment_status="pending")  # fmt: skip
    order_in_status(Status.DELIVERED, seller=seller, actor=owner)
    answer = client_a.get(reverse("dashboard:order_list"), {"pago": "cod_unpaid"})
    assert [order.pk for order in answer.context["page"].rows] == [unpaid.pk]
    paid_only = client_a.get(reverse("dashboard:order_list"), {"pago": "estado-paid"})
    assert unpaid.pk not in [order.pk for order in paid_only.context["page"].rows]


def test_an_expired_order_says_pago_no_recibido_on_the_list_and_the_page(client_a, seller):
    order = order_with_stock(seller=seller, payment_method="bank_transfer", payment_status="pending",
                             placed_at=timezone.now() - timedelta(hours=80))  # fmt: skip
    expire_unpaid_orders()
    listed = client_a.get(reverse("dashboard:order_list")).content.decode()
    assert "Vencido — Pago no recibido" in listed
    page = client_a.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "Pago no recibido" in page and "Vencido" in page


def test_the_pagos_page_totals_filters_and_csv(client_a, seller, owner, transfer_order):
    register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference='=HYPERLINK("http://x")')
    card = OrderFactory(seller=seller, total=Decimal("50.00"), subtotal=Decimal("50.00"))  # paid at the marketplace
    record_feed_payment(order_id=card.pk, seller=seller, reference="R-1", status="refunded", amount="20")
    page = client_a.get(reverse("dashboard:payments"))
    assert page.status_code == 200
    by_method = {row["method"]: row for row in page.context["by_method"]}
    assert by_method["bank_transfer"]["net"] == Decimal("100.00")
    assert by_method["card"]["net"] == Decimal("30.00") and by_method["card"]["count"] == 2
    assert page.context["by_day"][0]["net"] == Decimal("130.00")
    only_refunds = client_a.get(reverse("dashboard:payments"), {"tipo": "refund"})
    assert [row.kind for row in only_refunds.context["page"].object_list] == ["refund"]
    # the CSV: every row, formula cells neutralised
    export = client_a.get(reverse("dashboard:payments_csv"))
    text = b"".join(export.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4
    assert '\'=HYPERLINK("http://x")' in [cell for row in rows for cell in row]


def test_the_pagos_page_shows_only_the_sellers_rows(client_a, other_seller):
    foreign = OrderFactory(seller=other_seller, buyer_full_name="Foráneo")
    html = client_a.get(reverse("dashboard:payments")).content.decode()
    assert f"#{foreign.number}" not in html
    assert client_a.get(reverse("dashboard:payment_document", args=[foreign.payments.get().pk])).status_code == 404
