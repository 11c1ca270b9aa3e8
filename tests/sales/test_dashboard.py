"""«Nueva orden» in the dashboard: the form, errors beside fields, direct sales on the list and order page."""

from __future__ import annotations

import html
import re

import pytest

from orders.models import Order, OrderEvent
from tests.dashboard.conftest import page_messages
from tests.factories import OrderFactory, StockItemFactory, manual_order

FORM = {
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
    "lines-TOTAL_FORMS": "3",
    "lines-INITIAL_FORMS": "0",
    "lines-MIN_NUM_FORMS": "1",
    "lines-MAX_NUM_FORMS": "100",
    "lines-0-sku": "AND-CAFE-500",
    "lines-0-quantity": "2",
    "lines-0-unit_price": "38.50",
}


@pytest.fixture
def coffee(seller):
    return StockItemFactory(seller=seller, sku="AND-CAFE-500", name="Café orgánico 500 g", quantity_on_hand=7)


class Page:
    """Just enough reading of a rendered page for these tests (the project has no HTML parser dependency)."""

    def __init__(self, response):
        self.text = response.content.decode()

    def value_of(self, name: str) -> str | None:
        match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', self.text)
        if match is None:
            return None
        value = re.search(r'value="([^"]*)"', match.group(0))
        return html.unescape(value.group(1)) if value else ""

    def group_of(self, name: str) -> str:
        """The `<div class="field">` holding the input `name`: its label, help, errors and the input itself."""
        for chunk in re.split(r'<div class="field[ "]', self.text):
            if f'name="{name}"' in chunk:
                return chunk
        raise AssertionError(f"no field {name}")

    def error_beside(self, name: str) -> str:
        errors = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', self.group_of(name), re.S)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", e)).strip() for e in errors)

    def data_testid(self, testid: str) -> str:
        match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', self.text, re.S)
        return html.unescape(re.sub(r"\s+", " ", match.group(1))).strip() if match else ""


def test_the_list_offers_nueva_orden_and_the_form_suggests_the_sellers_skus(client_a, coffee, other_seller):
    StockItemFactory(seller=other_seller, sku="COSTA-ACEITE-1L")
    listing = Page(client_a.get("/"))
    assert re.search(r'href="/orders/new/"[^>]*data-testid="new-order"', listing.text)
    response = client_a.get("/orders/new/")
    assert response.status_code == 200
    page = Page(response)
    assert "<h1" in page.text and "Nueva orden</h1>" in page.text
    assert re.findall(r'<option value="([^"]+)">[^<]*disponibles', page.text) == ["AND-CAFE-500"]  # never B's
    # every visible input and select has a real label
    form = page.text[page.text.index('class="manual-order"') :]
    for tag in re.findall(r"<(?:input|select)[^>]*>", form):
        if 'type="hidden"' in tag:
            continue
        field_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert f'for="{field_id}"' in form, tag


def test_creating_one_goes_to_its_page_with_the_sla_text(client_a, coffee, owner):
    response = client_a.post("/orders/new/", FORM, follow=True)
    order = Order.objects.get()
    assert response.redirect_chain == [(f"/orders/{order.pk}/", 302)]
    assert page_messages(response) == ["Orden #V-000001 creada: está «Para manejo»."]
    page = Page(response)
    assert page.data_testid("order-origin") == "Venta directa"
    assert "Iniciar manejo — Venta directa: sin penalidad del marketplace" in page.text
    assert "Plazo para iniciar manejo" not in page.text
    assert OrderEvent.objects.get(order=order).actor == owner


def test_the_same_form_sent_twice_creates_one_order(client_a, coffee):
    # given the form as the page gives it (with its submission key)
    key = Page(client_a.get("/orders/new/")).value_of("submission")
    assert key
    # when it is sent twice (a double click, a reload)
    first = client_a.post("/orders/new/", {**FORM, "submission": key}, follow=True)
    again = client_a.post("/orders/new/", {**FORM, "submission": key}, follow=True)
    # then one order, and the second answer leads to it saying so
    order = Order.objects.get()
    assert first.redirect_chain == [(f"/orders/{order.pk}/", 302)]
    assert again.redirect_chain == [(f"/orders/{order.pk}/", 302)]
    assert page_messages(again) == ["Ese formulario ya se envió: esta es la orden #V-000001."]
    # a new form (a new key) is a new order
    client_a.post("/orders/new/", {**FORM, "submission": Page(client_a.get("/orders/new/")).value_of("submission")})
    assert Order.objects.count() == 2


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_key(client_a, coffee):
    key = Page(client_a.get("/orders/new/")).value_of("submission")
    refused = client_a.post("/orders/new/", {**FORM, "submission": key, "buyer_document_number": "123"})
    assert refused.status_code == 400 and Page(refused).value_of("submission") == key
    client_a.post("/orders/new/", {**FORM, "submission": key})
    assert Order.objects.count() == 1


def test_pago_ya_procesado_from_the_form(client_a, coffee):
    client_a.post("/orders/new/", {**FORM, "payment_method": "card", "payment_processed": "on"})
    assert Order.objects.get().payment_status == "paid"


def test_errors_show_beside_the_fields_and_the_form_keeps_what_was_typed(client_a, coffee):
    # given a form with a 7-digit DNI, no address, and a line with quantity 0
    bad = {**FORM, "buyer_document_number": "4578123", "shipping_address": "", "lines-0-quantity": "0"}
    response = client_a.post("/orders/new/", bad)
    # then nothing is created and the page says what is wrong, beside the field
    assert response.status_code == 400
    assert not Order.objects.exists()
    assert "mayor o igual a 1" in Page(response).error_beside("lines-0-quantity")
    # the service's own checks (document, address) come once the form parses: fix the quantity and send again
    again = client_a.post("/orders/new/", {**bad, "lines-0-quantity": "2"})
    assert again.status_code == 400 and not Order.objects.exists()
    page = Page(again)
    assert page.error_beside("buyer_document_number") == "El DNI debe tener 8 dígitos."
    assert page.error_beside("shipping_address") == "Indica la dirección de entrega."
    assert page.error_beside("buyer_full_name") == ""
    # and what was typed is still there
    assert page.value_of("buyer_full_name") == "Rosa Quispe Mamani"
    assert page.value_of("buyer_document_number") == "4578123"
    assert page.value_of("lines-0-sku") == "AND-CAFE-500"
    assert page.value_of("lines-0-unit_price") == "38.50"


def test_another_sellers_sku_is_refused_beside_its_line_with_nothing_created(client_a, coffee, other_seller):
    StockItemFactory(seller=other_seller, sku="COSTA-ACEITE-1L")
    form = {**FORM, "lines-1-sku": "COSTA-ACEITE-1L", "lines-1-quantity": "1", "lines-1-unit_price": "12.00"}
    response = client_a.post("/orders/new/", form)
    assert response.status_code == 404
    assert not Order.objects.exists() and not OrderEvent.objects.exists()
    page = Page(response)
    assert page.error_beside("lines-1-sku") == "No tienes el SKU COSTA-ACEITE-1L."
    assert page.error_beside("lines-0-sku") == ""
    assert page.value_of("lines-1-sku") == "COSTA-ACEITE-1L"


def test_agregar_producto_adds_a_line_and_keeps_the_input_without_judging_it(client_a, coffee):
    form = {**FORM, "lines-TOTAL_FORMS": "1", "buyer_document_number": "123", "add_line": "1"}
    response = client_a.post("/orders/new/", form)
    assert response.status_code == 200 and not Order.objects.exists()
    page = Page(response)
    assert page.value_of("lines-TOTAL_FORMS") == "2"
    assert page.value_of("lines-0-sku") == "AND-CAFE-500"
    assert page.value_of("lines-1-sku") == ""
    assert page.value_of("buyer_document_number") == "123"
    assert 'class="errorlist' not in page.text


def test_the_list_filters_by_channel_and_names_it(client_a, seller, site, owner):
    direct = manual_order(seller=seller, actor=owner)
    marketplace = OrderFactory(seller=seller, site=site)

    def rows(query):
        return [
            int(pk)
            for pk in re.findall(r'class="order-row" data-order-id="(\d+)"', Page(client_a.get("/", query)).text)
        ]

    assert rows({"channel": "direct"}) == [direct.pk]
    assert rows({"channel": "marketplace"}) == [marketplace.pk]
    page = Page(client_a.get("/", {"channel": "direct"}))
    assert "Venta directa</td>" in page.text
    assert page.data_testid("sla-line") == "Iniciar manejo — Venta directa: sin penalidad del marketplace"


def test_a_user_without_membership_cannot_create(client, django_user_model, coffee):
    django_user_model.objects.create_user(username="nadie", password="x-secreto-123")
    client.login(username="nadie", password="x-secreto-123")
    assert client.post("/orders/new/", FORM).status_code == 403
    assert not Order.objects.exists()
