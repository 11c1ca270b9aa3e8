"""On a phone: «Iniciar manejo» refused for stock → the SKU's link → set its stock → «Iniciar manejo» works."""

import pytest
from playwright.sync_api import Page, expect

from orders.models import Order, Status
from tests.browser.test_order_flow import PHONE, log_in
from tests.factories import OrderFactory, OrderLineFactory, StockItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_start_handling_leads_to_setting_the_stock(page: Page, live_server, seller, owner):
    # given an order for 2 units of a SKU the seller has none of
    order = OrderFactory(seller=seller)
    OrderLineFactory(order=order, sku="AND-CAFE-500", name="Café 500 g", quantity=2)
    StockItemFactory(seller=seller, sku="AND-CAFE-500", name="Café 500 g", quantity_on_hand=0)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, owner.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")

    # when the seller presses «Iniciar manejo», it is refused naming the SKU as a link
    page.locator("summary", has_text="Iniciar manejo").click()
    page.get_by_role("button", name="Confirmar e iniciar manejo").click()
    expect(page.locator(".message-error")).to_contain_text("Stock insuficiente")
    page.locator(".message-error").get_by_role("link", name="AND-CAFE-500").click()

    # the SKU's page: set 5 units on hand
    expect(page.get_by_role("heading", name="AND-CAFE-500")).to_be_visible()
    page.get_by_label("Stock físico").fill("5")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator(".message-success")).to_contain_text("5 unidades")
    expect(page.get_by_test_id("on-hand")).to_have_text("5")
    expect(page.locator(".movement-row").first).to_contain_text("Ajuste manual")

    # back to the order: «Iniciar manejo» now works
    page.get_by_test_id("back-to-order").click()
    page.locator("summary", has_text="Iniciar manejo").click()
    page.get_by_role("button", name="Confirmar e iniciar manejo").click()
    expect(page.locator(".message-success")).to_contain_text("Para envío")
    assert Order.objects.get(pk=order.pk).status == Status.READY_TO_SHIP


def test_the_stock_page_edits_a_row_at_390_px(page: Page, live_server, seller, owner):
    StockItemFactory(seller=seller, sku="AND-TE-100", name="Té 100 g", quantity_on_hand=1)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, owner.username)
    page.get_by_role("link", name="Stock").first.click()
    expect(page.get_by_role("heading", name="Stock", exact=True)).to_be_visible()
    row = page.locator(".stock-row", has_text="AND-TE-100")
    row.get_by_label("Stock físico de AND-TE-100").fill("12")
    row.get_by_role("button", name="Guardar").click()
    expect(page.locator(".message-success")).to_contain_text("12 unidades")
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
