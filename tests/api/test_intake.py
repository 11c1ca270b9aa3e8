"""The marketplace feed creates orders with its own key; a resend returns the same order."""

import pytest
from rest_framework.test import APIClient

from orders.models import IntegrationCredential, Order
from tests.api.conftest import client_with_token, token_for
from tests.factories import SiteFactory

URL = "/api/v1/intake/orders/"


@pytest.fixture
def feed(db):
    _credential, key = IntegrationCredential.issue(name="Feed Plaza Vea")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def payload(seller, site):
    return {
        "seller_tax_id": seller.tax_id,
        "site": site.code,
        "number": "2000123",
        "external_id": "PV-2000123",
        "placed_at": "2026-01-10T10:30:00-05:00",
        "buyer_full_name": "María Quispe",
        "buyer_document_type": "dni",
        "buyer_document_number": "45678912",
        "buyer_email": "maria@example.pe",
        "shipping_address": "Jr. Cusco 123",
        "shipping_district": "Miraflores",
        "shipping_city": "Lima",
        "payment_method": "card",
        "payment_status": "paid",
        "currency": "PEN",
        "shipping_total": "10.00",
        "lines": [{"sku": "ZAP-42", "name": "Zapatilla", "quantity": 2, "unit_price": "45.50"}],
    }


def test_feed_creates_an_order(feed, payload, seller):
    # when the feed sends a new order
    response = feed.post(URL, payload, format="json")
    # then 201 with the order, stored for the seller with its totals and line
    assert response.status_code == 201, response.content
    order = Order.objects.get(pk=response.json()["id"])
    assert order.seller == seller and order.number == "2000123"
    assert str(order.total) == "101.00"
    assert order.lines.get().sku == "ZAP-42"
    assert response.json()["status"] == "pending_handling"


def test_same_external_id_twice_is_one_order(feed, payload):
    # given the feed already sent an order
    first = feed.post(URL, payload, format="json")
    # when it resends it
    second = feed.post(URL, payload, format="json")
    # then the second answer is 200 with the same order, and only one exists
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Order.objects.filter(external_id="PV-2000123").count() == 1


def test_seller_by_id_works_too(feed, payload, seller):
    del payload["seller_tax_id"]
    payload["seller_id"] = seller.pk
    assert feed.post(URL, payload, format="json").status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"buyer_document_number": "1234567"}, "buyer_document_number"),
        ({"buyer_document_number": "1234567A"}, "buyer_document_number"),
        ({"lines": []}, "lines"),
        ({"lines": [{"sku": "X", "name": "X", "quantity": 0, "unit_price": "1.00"}]}, "lines"),
        ({"site": "no-existe"}, "site"),
        ({"seller_tax_id": "20999999999"}, "seller_tax_id"),
        ({"placed_at": "mañana"}, "placed_at"),
        ({"currency": "soles"}, "currency"),
        ({"shipping_address": ""}, "shipping_address"),
        ({"lines": [{"sku": "X", "name": "X", "quantity": 100000, "unit_price": "9999999999.00"}]}, "lines"),
    ],
    ids=["dni-7", "dni-letters", "no-lines", "zero-qty", "site", "seller", "date", "currency", "address", "huge"],
)
def test_invalid_feed_orders_are_400(feed, payload, change, field):
    # when the feed sends an order with a bad field
    response = feed.post(URL, {**payload, **change}, format="json")
    # then 400 names the field and no order is created
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert response.json()["error"]["message"]
    assert not Order.objects.exists()


def test_both_or_no_seller_is_400(feed, payload, seller):
    no_seller = {k: v for k, v in payload.items() if k != "seller_tax_id"}
    both = {**payload, "seller_id": seller.pk}
    assert feed.post(URL, no_seller, format="json").status_code == 400
    assert feed.post(URL, both, format="json").status_code == 400


def test_external_id_reused_for_another_number_is_409(feed, payload):
    feed.post(URL, payload, format="json")
    response = feed.post(URL, {**payload, "number": "2000999"}, format="json")
    assert response.status_code == 409
    assert Order.objects.count() == 1


def test_a_seller_token_cannot_call_intake(payload, owner):
    # when a seller's device token is sent to the intake endpoint
    response = client_with_token(token_for(owner)).post(URL, payload, format="json")
    # then it is refused and nothing is created
    assert response.status_code in {401, 403}
    assert not Order.objects.exists()


def test_no_or_wrong_key_is_401(payload):
    assert APIClient().post(URL, payload, format="json").status_code == 401
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer int_no-existe")
    assert wrong.post(URL, payload, format="json").status_code == 401
    assert not Order.objects.exists()


def test_revoked_key_is_401(payload, db):
    credential, key = IntegrationCredential.issue(name="Vieja")
    credential.is_active = False
    credential.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.post(URL, payload, format="json").status_code == 401


def test_integration_key_does_not_reach_seller_endpoints(feed, make_order):
    # given an order of the seller
    order = make_order()
    # when the feed's key is used on seller endpoints
    # then it is not accepted there
    assert feed.get("/api/v1/orders/").status_code == 401
    assert feed.get(f"/api/v1/orders/{order.pk}/").status_code == 401
    assert feed.post(f"/api/v1/orders/{order.pk}/start-handling/", {}, format="json").status_code == 401


def test_key_limited_to_sites_refuses_others(payload, site):
    # given a key allowed only for another site
    credential, key = IntegrationCredential.issue(name="Solo Oechsle")
    credential.sites.add(SiteFactory(code="oechsle"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    # when it sends an order of Plaza Vea
    response = client.post(URL, payload, format="json")
    # then 403 and nothing is created; the allowed site works
    assert response.status_code == 403
    assert not Order.objects.exists()
    assert client.post(URL, {**payload, "site": "oechsle"}, format="json").status_code == 201
