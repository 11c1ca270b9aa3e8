"""A seller's whole day with a thumb, on a phone (390×844) and on a laptop (1366×900): only real taps
(Playwright's tap() in a touch browser: it refuses when another element would receive the tap), no
force, no JavaScript clicks. At every step the page is no wider than the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from disputes.models import Party
from disputes.services import open_dispute, request_cancellation
from fulfillment.deadlines import enforce_deadlines
from orders.models import Status
from tests.browser.dashboard_pages import photo
from tests.browser.support import VIEWPORTS, horizontal_overflow, screenshot, tap_log_in, touch_context
from tests.factories import OrderFactory, order_in_status, order_with_stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def camera_photo(name: str = "entrega.png") -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": photo(name).read()}


def fits(page: Page) -> None:
    assert horizontal_overflow(page) == 0, page.url


def tap_card(page: Page, row) -> None:
    """A thumb on the card's buyer line, not on the number: the whole card opens the order."""
    cell = row.locator("td[data-label]").nth(1)
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.fixture
def seller_day(seller, owner):
    now = timezone.now()
    for i, status in enumerate([Status.SHIPPED, Status.DELIVERED, Status.READY_TO_SHIP, Status.CANCELED]):
        OrderFactory(seller=seller, status=status, placed_at=now - timedelta(hours=30 + i))
    today = order_with_stock(
        seller=seller, placed_at=now - timedelta(hours=2), buyer_full_name="María Fernanda Huamán Ríos"
    )
    no_stock = order_with_stock(seller=seller, placed_at=now - timedelta(hours=3), buyer_full_name="Jorge Salas")
    delivered = order_in_status(Status.DELIVERED, seller=seller, actor=owner, buyer_full_name="Rosa Quispe Mamani")
    dispute, _ = open_dispute(
        order_id=delivered.pk,
        seller=seller,
        actor=None,
        party=Party.BUYER,
        reason_code="product_damaged",
        text="Llegó con la caja rota",
        responsible="Comprador",
    )
    return today, no_stock, dispute


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_sellers_day_by_taps(browser, live_server, owner, seller_day, size):
    today, no_stock, dispute = seller_day
    viewport = VIEWPORTS[size]
    context = touch_context(browser, viewport)
    try:
        page = context.new_page()
        tap_log_in(page, live_server.url, owner.username)
        expect(page.get_by_role("heading", name="Órdenes")).to_be_visible()
        fits(page)

        # the list: a tap on the order's card (not only its number) opens it
        tap_card(page, page.locator(f"tr[data-order-id='{today.pk}']"))
        expect(page.get_by_role("heading", name=f"Orden #{today.number}")).to_be_visible()
        fits(page)

        # "Iniciar manejo"
        page.locator("summary", has_text="Iniciar manejo").tap()
        page.get_by_role("button", name="Confirmar e iniciar manejo").tap()
        expect(page.locator(".message-success")).to_contain_text("Para envío")
        fits(page)

        # "Realizar envío"
        page.locator("summary", has_text="Realizar envío").tap()
        page.get_by_label("Transportista").fill("Olva Courier")
        page.get_by_label("Número de seguimiento").fill("OLV12345678")
        fits(page)
        page.get_by_role("button", name="Guardar envío").tap()
        expect(page.locator(".message-success")).to_contain_text("Enviada")

        # "Entregar" with a photo from the camera
        page.locator("summary", has_text="Entregar").tap()
        deliver = page.locator("form[action$='/deliver/']")
        deliver.get_by_label("Tipo de evidencia").select_option("buyer_receiving")
        camera = deliver.get_by_label("Tomar foto con la cámara")
        assert camera.get_attribute("accept") == "image/*" and camera.get_attribute("capture") is not None
        camera.set_input_files(camera_photo())
        fits(page)
        deliver.get_by_role("button", name="Confirmar entrega").tap()
        expect(page.locator(".message-success")).to_have_text("Orden entregada.")
        expect(page.locator(".page-head .badge")).to_have_text("Entregada")
        expect(page.locator("#evidence img.thumb")).to_be_visible()
        screenshot(page, viewport, "day-delivered")

        # a cancel: back to the list by the link, the other order by its number
        page.get_by_role("link", name="← Órdenes").tap()
        page.get_by_role("link", name=f"#{no_stock.number}").tap()
        page.locator("summary", has_text="Cancelar").tap()
        cancel = page.locator("form[action$='/cancel/']")
        cancel.get_by_label("Texto").fill("Quiebre de stock del color rojo")
        cancel.get_by_label("Responsable (nombre y apellido)").fill("Ana Pérez")
        fits(page)
        cancel.get_by_role("button", name="Cancelar orden").tap()
        expect(page.locator(".message-success")).to_be_visible()
        expect(page.locator(".page-head .badge")).to_have_text("Cancelada")

        # a dispute answer, with a photo of the packing
        page.get_by_role("link", name="Controversias").tap()
        tap_card(page, page.locator(f"tr[data-dispute-id='{dispute.pk}']"))
        expect(page.get_by_role("heading", name=f"Controversia de la orden #{dispute.order.number}")).to_be_visible()
        reply = page.get_by_test_id("reply-form")
        reply.get_by_label("Mensaje").fill("Enviamos la foto del embalaje: salió entero.")
        reply.get_by_label("Tomar foto con la cámara").set_input_files(camera_photo("embalaje.png"))
        fits(page)
        reply.get_by_role("button", name="Enviar respuesta").tap()
        expect(page.locator("#thread")).to_contain_text("salió entero")
        expect(page.locator("#thread img.thumb")).to_be_visible()
        fits(page)
    finally:
        context.close()
    today.refresh_from_db()
    no_stock.refresh_from_db()
    dispute.refresh_from_db()
    assert (today.status, no_stock.status) == (Status.DELIVERED, Status.CANCELED)
    assert dispute.messages.filter(party=Party.SELLER).get().attachments.count() == 1


@pytest.fixture
def answers(seller, owner):
    now = timezone.now()
    requested = order_in_status(Status.SHIPPED, seller=seller, actor=owner)
    request_cancellation(order_id=requested.pk, seller=seller, text="Ya no lo necesito", reference="CR-1")
    accepted = order_in_status(Status.READY_TO_SHIP, seller=seller, actor=owner)
    request_cancellation(order_id=accepted.pk, seller=seller, text="Me equivoqué de talla", reference="CR-2")
    handled = order_in_status(Status.READY_TO_SHIP, seller=seller, actor=owner)
    OrderFactory(seller=seller, placed_at=now - timedelta(days=3), handling_deadline=now - timedelta(days=2))
    enforce_deadlines(now=now)
    return requested, accepted, handled


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_answers_and_appeals_by_taps(browser, live_server, owner, answers, size):
    requested, accepted, handled = answers
    viewport = VIEWPORTS[size]
    context = touch_context(browser, viewport)
    try:
        page = context.new_page()
        tap_log_in(page, live_server.url, owner.username)

        # a buyer's request on a shipped order is refused with the shipment's tracking number
        page.goto(f"{live_server.url}/orders/{requested.pk}/")
        page.locator("summary", has_text="Rechazar").tap()
        banner = page.get_by_test_id("cancellation-request")
        banner.get_by_label("Motivo del rechazo").fill("El pedido ya está en camino")
        banner.get_by_label("Número de seguimiento del envío").fill("OLV-123456")
        fits(page)
        banner.get_by_role("button", name="Rechazar solicitud").tap()
        expect(page.locator(".message-success")).to_contain_text("rechazada")

        # another one is accepted
        page.goto(f"{live_server.url}/orders/{accepted.pk}/")
        page.get_by_role("button", name="Aceptar y cancelar la orden").tap()
        expect(page.locator(".page-head .badge")).to_have_text("Cancelada")

        # "Crear controversia" on an order already handled
        page.goto(f"{live_server.url}/orders/{handled.pk}/")
        page.locator("summary", has_text="Crear controversia").tap()
        form = page.locator("form[action$='/dispute/']")
        form.get_by_label("Texto de la controversia").fill("Se rompió el último que teníamos")
        form.get_by_label("Responsable (nombre y apellido)").fill("Ana Pérez")
        fits(page)
        form.get_by_role("button", name="Crear controversia").tap()
        expect(page.locator(".message-success")).to_be_visible()

        # a penalty appeal from the penalties page
        page.get_by_role("link", name="Penalidades").tap()
        page.locator("summary", has_text="Apelar").tap()
        appeal = page.locator("form[action$='/appeal/']")
        appeal.get_by_label("Motivo de la apelación").fill("El marketplace nos envió la orden tarde")
        fits(page)
        appeal.get_by_role("button", name="Enviar apelación").tap()
        expect(page.locator(".message-success")).to_be_visible()
        expect(page.locator(".penalty-row .badge")).to_have_text("Apelada")
        screenshot(page, viewport, "day-appealed")
    finally:
        context.close()
    requested.refresh_from_db()
    accepted.refresh_from_db()
    assert accepted.status == Status.CANCELED and requested.status == Status.SHIPPED
    assert handled.disputes.count() == 1


def test_the_new_order_form_gives_a_dni_the_numeric_keypad(browser, live_server, owner):
    context = touch_context(browser, VIEWPORTS["390"])
    try:
        page = context.new_page()
        tap_log_in(page, live_server.url, owner.username)
        page.get_by_test_id("new-order").tap()
        number = page.get_by_label("Número de documento")
        # a DNI (the default) and a RUC are digits; a passport may carry letters
        assert number.evaluate("el => el.inputMode") == "numeric"
        page.get_by_label("Tipo de documento").select_option("passport")
        assert number.evaluate("el => el.inputMode") == "text"
        page.get_by_label("Tipo de documento").select_option("ruc")
        assert number.evaluate("el => el.inputMode") == "numeric"
        assert page.get_by_label("Teléfono").get_attribute("type") == "tel"
        assert page.get_by_label("Correo").get_attribute("type") == "email"
        fits(page)
    finally:
        context.close()
