"""A seller moves one order from "Para manejo" to "Entregada" in a real browser."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from orders.models import Status
from tests.factories import DEFAULT_PASSWORD, OrderFactory, order_with_stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 140, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Órdenes")).to_be_visible()


def test_seller_takes_an_order_to_entregada(page: Page, live_server, seller, owner):
    # given a pending order whose product is in stock, among a few others
    now = timezone.now()
    for i, status in enumerate([Status.SHIPPED, Status.DELIVERED, Status.READY_TO_SHIP, Status.CANCELED]):
        OrderFactory(seller=seller, status=status, placed_at=now - timedelta(hours=30 + i))
    OrderFactory(seller=seller, placed_at=now - timedelta(hours=26), buyer_full_name="Jorge Villanueva Salas")
    order = order_with_stock(
        seller=seller, placed_at=now - timedelta(hours=2, minutes=30), buyer_full_name="María Fernanda Huamán Ríos"
    )

    # when the owner logs in and opens it
    log_in(page, live_server.url, owner.username)
    page.get_by_role("link", name=f"#{order.number}").click()
    expect(page.get_by_role("heading", name=f"Orden #{order.number}")).to_be_visible()

    # "Iniciar manejo"
    page.locator("summary", has_text="Iniciar manejo").click()
    page.get_by_role("button", name="Confirmar e iniciar manejo").click()
    expect(page.locator(".message-success")).to_contain_text("Para envío")

    # "Realizar envío"
    page.locator("summary", has_text="Realizar envío").click()
    page.get_by_label("Transportista").fill("Olva Courier")
    page.get_by_label("Número de seguimiento").fill("OLV-2026-0001")
    page.get_by_label("URL de seguimiento").fill("https://tracking.olva.pe/OLV-2026-0001")
    page.get_by_role("button", name="Guardar envío").click()
    expect(page.locator(".message-success")).to_contain_text("Enviada")
    expect(page.locator("#shipment")).to_contain_text("OLV-2026-0001")

    # "Entregar" with a photo of the buyer receiving the parcel
    page.locator("summary", has_text="Entregar").click()
    deliver_form = page.locator("form[action$='/deliver/']")
    deliver_form.get_by_label("Tipo de evidencia").select_option("buyer_receiving")
    deliver_form.locator("input[name=file]").set_input_files(
        {"name": "entrega.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    deliver_form.get_by_role("button", name="Confirmar entrega").click()

    # then the timeline ends with "Entregada" and the photo is shown from the private file view
    expect(page.locator(".message-success")).to_have_text("Orden entregada.")
    expect(page.locator("#timeline .event").last).to_contain_text("Entregada")
    thumb = page.locator("#evidence img.thumb")
    expect(thumb).to_be_visible()
    # the image really decodes (a 404 or a refused file would leave it broken)
    page.wait_for_function("img => img.complete && img.naturalWidth === 64", arg=thumb.element_handle())
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    page.set_viewport_size(PHONE)
    page.screenshot(path="/tmp/sc-dashboard-delivered-390.png", full_page=True)


def test_phone_layout_screenshots(browser, live_server, seller, owner):
    # given a seller with orders in every state, seen on a phone-sized screen
    now = timezone.now()
    statuses = [Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED, Status.CANCELED]
    for i in range(12):
        OrderFactory(seller=seller, status=statuses[i % 5], placed_at=now - timedelta(hours=3 * i + 1))
    order = order_with_stock(seller=seller, placed_at=now - timedelta(hours=4), buyer_full_name="Rosa Quispe Mamani")
    context = browser.new_context(viewport=PHONE, locale="es-PE", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_server.url, owner.username)
        # then nothing is wider than the screen, on the list and on the detail page
        page.screenshot(path="/tmp/sc-dashboard-list-390.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.goto(f"{live_server.url}/orders/{order.pk}/")
        page.locator("summary", has_text="Cancelar").click()
        page.screenshot(path="/tmp/sc-dashboard-detail-390.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
