"""`POST /api/v1/orders/`: a manual order from a device, and the list's channel filter."""

from __future__ import annotations

import pytest

from orders.models import Order, OrderEvent
from tests.api.conftest import client_with_token, token_for
from tests.factories import OrderFactory, StockItemFactory, manual_order

BODY = {
    "buyer_full_name": "Rosa Quispe Mamani",
    "buyer_document_type": "dni",
    "buyer_document_number": "45781236",
    "buyer_phone": "987654321",
    "buyer_email": "rosa@example.pe",
    "delivery_method": "home_delivery",
    "shipping_address": "Jr. Junín 415",
    "shipping_district": "Miraflores",
    "shipping_city": "Lima",
    "shipping_total": "10.00",
    "payment_method": "cash",
    "lines": [{"sku": "AND-CAFE-500", "quantity": 2, "unit_price": "38.50"}],
}


@pytest.fixture
def coffee(seller):
    return StockItemFactory(seller=seller, sku="AND-CAFE-500", name="Café orgánico 500 g")


def post(api, body, **headers):
    return api.post("/api/v1/orders/", body, format="json", **headers)


def nothing_created():
    return not Order.objects.exists() and not OrderEvent.objects.exists()


def test_201_with_the_order_as_its_detail_shows_it(api, coffee, owner):
    response = post(api, BODY)
    assert response.status_code == 201, response.json()
    body = response.json()
    order = Order.objects.get()
    assert response["Location"] == f"/api/v1/orders/{order.pk}/"
    assert (body["id"], body["number"], body["channel"], body["site"], body["site_name"]) == (
        order.pk,
        "V-000001",
        "direct",
        None,
        "Venta directa",
    )
    assert (body["status"], body["payment_status"], body["totals"]["total"]) == ("pending_handling", "pending", "87.00")
    assert body["lines"][0]["name"] == "Café orgánico 500 g"
    assert body["sla"]["text"] == "Iniciar manejo — Venta directa: sin penalidad del marketplace"
    assert (body["sla"]["penalties_apply"], body["sla"]["deadline"], body["sla"]["penalty_amount"]) == (
        False,
        None,
        None,
    )
    assert (body["sla"]["rule"], body["sla"]["action"]) == (None, "start_handling")
    assert body["allowed_actions"] == ["start_handling", "cancel"]
    assert body["events"][0]["kind"] == "created_manually" and body["events"][0]["actor"] == owner.get_full_name()


def test_pago_ya_procesado_answers_paid(api, coffee):
    response = post(api, {**BODY, "payment_method": "wallet", "payment_processed": True, "payment_reference": "YAPE-1"})
    assert response.status_code == 201
    assert response.json()["payment_status"] == "paid"
    assert [e["kind"] for e in response.json()["events"]] == ["created_manually", "payment_registered"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"buyer_full_name": ""}, "buyer_full_name"),
        ({"buyer_document_type": "licencia"}, "buyer_document_type"),
        ({"buyer_document_number": "4578123"}, "buyer_document_number"),
        ({"buyer_document_type": "ruc", "buyer_document_number": "2060123456"}, "buyer_document_number"),
        ({"buyer_phone": "sin teléfono"}, "buyer_phone"),
        ({"buyer_email": "rosa@"}, "buyer_email"),
        ({"delivery_method": "drone"}, "delivery_method"),
        ({"shipping_address": ""}, "shipping_address"),
        ({"shipping_total": "-5"}, "shipping_total"),
        ({"shipping_total": "abc"}, "shipping_total"),
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"payment_method": "cash_on_delivery", "payment_processed": True}, "payment_processed"),
        ({"payment_processed": "quizás"}, "payment_processed"),
        ({"payment_method": "bank_transfer", "payment_processed": True}, "payment_reference"),
        ({"lines": []}, "lines"),
        ({"lines": "AND-CAFE-500"}, "lines"),
        ({"lines": [{"sku": "AND-CAFE-500", "quantity": 0, "unit_price": "1"}]}, "lines"),
        ({"lines": [{"sku": "AND-CAFE-500", "quantity": 1.5, "unit_price": "1"}]}, "lines"),
        ({"lines": [{"sku": "AND-CAFE-500", "quantity": 1, "unit_price": "-1"}]}, "lines"),
        ({"lines": [{"sku": "AND-CAFE-500", "quantity": 1}]}, "lines"),
        ({"lines": [{"sku": "", "quantity": 1, "unit_price": "1"}]}, "lines"),
        (
            {"lines": [{"sku": "AND-CAFE-500", "quantity": 1, "unit_price": "1"}] * 2},
            "lines.1.sku",
        ),
    ],
)
def test_each_bad_input_is_a_400_naming_its_field_with_nothing_created(api, coffee, change, field):
    response = post(api, {**BODY, **change})
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert nothing_created()


def test_a_missing_or_null_body_is_a_400(api, coffee):
    assert api.post("/api/v1/orders/", "null", content_type="application/json").status_code == 400
    assert api.post("/api/v1/orders/", "{", content_type="application/json").status_code == 400
    assert api.post("/api/v1/orders/", "a=b", content_type="application/x-www-form-urlencoded").status_code == 415
    assert nothing_created()


def test_another_sellers_sku_in_the_body_is_404_with_nothing_created(api, coffee, other_seller):
    StockItemFactory(seller=other_seller, sku="COSTA-ACEITE-1L")
    lines = [*BODY["lines"], {"sku": "COSTA-ACEITE-1L", "quantity": 1, "unit_price": "12.00"}]
    response = post(api, {**BODY, "lines": lines})
    assert response.status_code == 404
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("sku_not_found", ["lines.1.sku"])
    assert nothing_created()
    # an unknown SKU reads the same: nothing tells one from the other
    unknown = post(api, {**BODY, "lines": [{"sku": "NO-EXISTE", "quantity": 1, "unit_price": "1"}]})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "sku_not_found"
    assert nothing_created()


def test_a_seller_creates_for_itself_only(api, coffee, seller, other_seller, other_owner):
    # given seller B has the same SKU code in its own catalog
    StockItemFactory(seller=other_seller, sku="AND-CAFE-500")
    # when A's device creates a manual order
    post(api, BODY)
    # then it is A's, and B's device neither sees it nor can pick A's seller with X-Seller-Id
    order = Order.objects.get()
    assert order.seller == seller
    other = client_with_token(token_for(other_owner))
    assert other.get(f"/api/v1/orders/{order.pk}/").status_code == 404
    assert other.get("/api/v1/orders/").json()["results"] == []
    refused = other.post("/api/v1/orders/", BODY, format="json", HTTP_X_SELLER_ID=str(seller.pk))
    assert refused.status_code == 403
    assert Order.objects.count() == 1


def test_idempotency_key_makes_a_retry_answer_the_first_order(api, coffee):
    first = post(api, BODY, HTTP_IDEMPOTENCY_KEY="venta-42")
    again = post(api, BODY, HTTP_IDEMPOTENCY_KEY="venta-42")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replay"] == "true" and again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
    other_body = post(api, {**BODY, "buyer_full_name": "Otra Persona"}, HTTP_IDEMPOTENCY_KEY="venta-42")
    assert other_body.status_code == 409
    assert Order.objects.count() == 1
    assert post(api, BODY, HTTP_IDEMPOTENCY_KEY="venta-43").json()["number"] == "V-000002"


def test_the_list_filters_by_channel(api, seller, site, owner):
    direct = manual_order(seller=seller, actor=owner)
    marketplace = OrderFactory(seller=seller, site=site)
    ids = lambda query: [row["id"] for row in api.get("/api/v1/orders/", query).json()["results"]]  # noqa: E731
    assert ids({"channel": "direct"}) == [direct.pk]
    assert ids({"channel": "marketplace"}) == [marketplace.pk]
    assert set(ids({})) == {direct.pk, marketplace.pk}
    assert api.get("/api/v1/orders/", {"channel": "tienda"}).status_code == 400
    listed = api.get("/api/v1/orders/", {"channel": "direct"}).json()["results"][0]
    assert listed["sla"]["text"] == "Iniciar manejo — Venta directa: sin penalidad del marketplace"
