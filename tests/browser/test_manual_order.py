"""«Nueva orden» in a real browser, on a phone and on a laptop: a mistake shown beside its field, then the order."""

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.browser.test_layout import LAPTOP, PHONE, page_width, seller_page
from tests.factories import StockItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_a_seller_records_a_store_sale(browser, live_server, seller, owner, viewport):
    # given a SKU in the seller's catalog
    StockItemFactory(seller=seller, sku="AND-CAFE-500", name="Café orgánico 500 g", quantity_on_hand=9)
    with seller_page(browser, live_server, owner, viewport) as page:
        # when the seller opens «Nueva orden» from the order list
        page.get_by_role("link", name="Nueva orden").click()
        expect(page.get_by_role("heading", name="Nueva orden", level=1)).to_be_visible()
        width, screen = page_width(page)
        # and fills it in with a DNI one digit short
        page.get_by_label("Nombre completo del comprador").fill("Pedro Ñahui Ccopa")
        page.get_by_label("Número de documento").fill("1234567")
        page.get_by_label("Recojo (en tienda o punto de recojo)").check()
        page.locator("#id_lines-0-sku").fill("AND-CAFE-500")
        page.locator("#id_lines-0-quantity").fill("2")
        page.locator("#id_lines-0-unit_price").fill("36.00")
        page.get_by_label("Forma de pago").select_option("cash")
        page.get_by_label("Pago ya procesado").check()
        page.get_by_role("button", name="Crear orden").click()
        # then the page says so beside the document, keeping everything typed
        group = page.locator("div.field", has=page.locator("#id_buyer_document_number"))
        expect(group).to_contain_text("El DNI debe tener 8 dígitos.")
        expect(page.locator("#id_lines-0-unit_price")).to_have_value("36.00")
        assert not Order.objects.exists()
        # when the document is corrected
        page.get_by_label("Número de documento").fill("12345678")
        page.get_by_role("button", name="Crear orden").click()
        # then the order exists, «Venta directa», paid, with the clock saying no marketplace penalty
        expect(page.get_by_role("heading", name="Orden #V-000001")).to_be_visible()
        expect(page.get_by_test_id("sla-clock")).to_contain_text("Venta directa: sin penalidad del marketplace")
        page.screenshot(path=f"/tmp/sc-manual-order-{viewport['width']}.png", full_page=True)
    order = Order.objects.get()
    assert (order.channel, order.payment_status, order.total) == ("direct", "paid", 72)
    assert width <= screen
