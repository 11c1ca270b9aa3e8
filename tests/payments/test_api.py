"""Payments through the API: an order's payments, the ledger list, «Entregar» with cash, and the feed."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from orders.models import IntegrationCredential, PaymentStatus, Status
from payments.models import Payment, Source
from payments.services import register_payment
from tests.api.conftest import client_with_token, order_in, token_for
from tests.factories import OrderFactory, SiteFactory
from tests.payments.conftest import PNG_PIXEL

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner):
    return client_with_token(token_for(owner))


def test_register_a_transfer_with_a_reference_then_start_handling(api, transfer_order):
    # given an unpaid transfer order: «Iniciar manejo» is refused
    url = f"/api/v1/orders/{transfer_order.pk}/payments/"
    assert api.post(f"/api/v1/orders/{transfer_order.pk}/start-handling/").status_code == 409
    # when the seller's device registers the payment with its reference
    answer = api.post(url, {"reference": "OP-778812"}, format="json")
    # then it is a 201 with the row, of the whole balance, and the order is paid
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["amount"], body["reference"], body["source"], body["kind"]) == (
        "100.00",
        "OP-778812",
        "member",
        "payment",
    )
    detail = api.get(f"/api/v1/orders/{transfer_order.pk}/").json()
    assert detail["payment_status"] == "paid" and detail["payment"]["balance"] == "0.00"
    assert [p["reference"] for p in detail["payment"]["payments"]] == ["OP-778812"]
    assert any(e["kind"] == "payment_registered" and e["label"] == "Pago registrado" for e in detail["events"])
    # and «Iniciar manejo» now works
    assert api.post(f"/api/v1/orders/{transfer_order.pk}/start-handling/").status_code == 200


def test_multipart_with_a_document_and_its_download(api, transfer_order):
    receipt = SimpleUploadedFile("voucher.png", PNG_PIXEL, content_type="image/png")
    answer = api.post(f"/api/v1/orders/{transfer_order.pk}/payments/", {"amount": "30.00", "document": receipt})
    assert answer.status_code == 201, answer.content
    assert answer.json()["document_url"].endswith(f"/api/v1/payments/{answer.json()['id']}/document/")
    download = api.get(answer.json()["document_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG_PIXEL
    listed = api.get(f"/api/v1/orders/{transfer_order.pk}/payments/").json()
    assert (listed["received"], listed["balance"]) == ("30.00", "70.00")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"amount": "150", "reference": "X"}, 409, "over_balance"),
        ({"amount": "abc", "reference": "X"}, 400, "invalid"),
        ({"amount": "10"}, 400, "invalid"),
    ],
)
def test_refused_payments_answer_in_the_envelope_and_write_nothing(api, transfer_order, body, status, code):
    answer = api.post(f"/api/v1/orders/{transfer_order.pk}/payments/", body, format="json")
    assert answer.status_code == status and answer.json()["error"]["code"] == code
    assert not Payment.objects.exists()


def test_a_fake_document_is_415(api, transfer_order):
    fake = SimpleUploadedFile("voucher.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    answer = api.post(f"/api/v1/orders/{transfer_order.pk}/payments/", {"document": fake})
    assert answer.status_code == 415 and not Payment.objects.exists()


def test_another_sellers_order_is_404_even_with_a_valid_body(api, other_seller):
    foreign = OrderFactory(seller=other_seller, payment_method="bank_transfer", payment_status="pending")
    answer = api.post(f"/api/v1/orders/{foreign.pk}/payments/", {"reference": "X"}, format="json")
    assert answer.status_code == 404
    assert api.get(f"/api/v1/orders/{foreign.pk}/payments/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.payment_status == PaymentStatus.PENDING and not foreign.payments.exists()


def test_the_ledger_lists_and_filters_only_the_sellers_rows(api, seller, owner, transfer_order, other_seller):
    register_payment(order_id=transfer_order.pk, seller=seller, actor=owner, reference="OP-1")
    OrderFactory(seller=seller)  # a card order paid at the marketplace
    OrderFactory(seller=other_seller)  # another seller's: never listed
    rows = api.get("/api/v1/payments/").json()["results"]
    assert len(rows) == 2
    transfers = api.get("/api/v1/payments/", {"method": "bank_transfer"}).json()["results"]
    assert [row["reference"] for row in transfers] == ["OP-1"]
    assert api.get("/api/v1/payments/", {"kind": "refund"}).json()["results"] == []
    assert api.get("/api/v1/payments/", {"method": "bitcoin"}).status_code == 400


def test_deliver_cash_on_delivery_with_the_cash_collected(api, seller, owner):
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, payment_method="cash_on_delivery",
                     payment_status="pending")  # fmt: skip
    answer = api.post(f"/api/v1/orders/{order.pk}/deliver/", {"cash_collected": "100.00"}, format="json")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["payment_status"]) == ("delivered", "paid")
    row = order.payments.get()
    assert (row.method, row.amount, row.source) == ("cash_on_delivery", Decimal("100.00"), Source.MEMBER)


def test_a_refused_cash_amount_leaves_the_order_undelivered(api, seller, owner):
    order = order_in(Status.SHIPPED, seller=seller, actor=owner, payment_method="cash_on_delivery",
                     payment_status="pending")  # fmt: skip
    answer = api.post(f"/api/v1/orders/{order.pk}/deliver/", {"cash_collected": "500"}, format="json")
    assert answer.status_code == 409
    order.refresh_from_db()
    assert order.status == Status.SHIPPED and not order.payments.exists()


def test_delivered_unpaid_cod_orders_have_their_own_filter(api, seller, owner):
    unpaid = order_in(Status.DELIVERED, seller=seller, actor=owner, payment_method="cash_on_delivery",
                      payment_status="pending")  # fmt: skip
    collected = order_in(Status.SHIPPED, seller=seller, actor=owner, payment_method="cash_on_delivery",
                         payment_status="pending")  # fmt: skip
    api.post(f"/api/v1/orders/{collected.pk}/deliver/", {"cash_collected": "100"}, format="json")
    order_in(Status.DELIVERED, seller=seller, actor=owner)  # a card order, paid
    listed = api.get("/api/v1/orders/", {"payment": "cod_unpaid"}).json()["results"]
    assert [row["id"] for row in listed] == [unpaid.pk]
    assert listed[0]["payment_status_display"] == "Pendiente"


# --- the marketplace feed ----------------------------------------------------------------------------------


@pytest.fixture
def feed(db):
    _credential, raw = IntegrationCredential.issue(name="feed")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_feed_confirms_idempotently_then_refunds(feed, seller):
    site = SiteFactory(code="plazavea")
    order = OrderFactory(seller=seller, site=site, payment_method="card", payment_status="pending")
    url = f"/api/v1/intake/orders/{order.external_id}/payments/"
    body = {"site": "plazavea", "reference": "PV-PAY-1", "status": "confirmed", "amount": "100.00"}
    first = feed.post(url, body, format="json")
    again = feed.post(url, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["order_payment_status"] == "paid"
    assert order.payments.count() == 1
    refund = feed.post(url, {**body, "reference": "PV-REF-1", "status": "refunded"}, format="json")
    assert refund.status_code == 201 and refund.json()["order_payment_status"] == "refunded"


def test_the_feed_is_scoped_to_the_site_and_the_body_is_checked(feed, seller):
    site = SiteFactory(code="plazavea")
    SiteFactory(code="oechsle")
    order = OrderFactory(seller=seller, site=site, payment_method="card", payment_status="pending")
    url = f"/api/v1/intake/orders/{order.external_id}/payments/"
    wrong_site = feed.post(url, {"site": "oechsle", "reference": "R", "status": "confirmed"}, format="json")
    assert wrong_site.status_code == 404
    bad_status = feed.post(url, {"site": "plazavea", "reference": "R", "status": "paid"}, format="json")
    assert bad_status.status_code == 400
    too_much = feed.post(url, {"site": "plazavea", "reference": "R", "status": "confirmed", "amount": "999"},
                         format="json")  # fmt: skip
    assert too_much.status_code == 409
    assert not order.payments.exists()
