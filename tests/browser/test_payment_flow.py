"""A seller registers a bank transfer's payment in a real browser, then «Iniciar manejo» works."""

import pytest
from playwright.sync_api import Page, expect

from orders.models import PaymentStatus, Status
from tests.browser.test_order_flow import PHONE, log_in
from tests.factories import order_with_stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}], ids=["390px", "1366px"])
def test_registrar_pago_with_a_reference_then_iniciar_manejo(page: Page, live_server, seller, owner, viewport):
    # given an unpaid transfer order: «Iniciar manejo» is not offered yet
    page.set_viewport_size(viewport)
    order = order_with_stock(seller=seller, payment_method="bank_transfer", payment_status="pending",
                             buyer_full_name="Rosa Quispe Mamani")  # fmt: skip
    log_in(page, live_server.url, owner.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(page.get_by_test_id("payment-status")).to_have_text("Pendiente")
    expect(page.locator("summary", has_text="Iniciar manejo")).to_have_count(0)

    # when the owner registers the payment with the bank's operation code
    page.locator("summary", has_text="Registrar pago").click()
    page.get_by_label("Código de referencia del pago").fill("OP-778812")
    page.get_by_role("button", name="Registrar pago").click()

    # then the order is paid, the ledger shows the reference, and «Iniciar manejo» is enabled
    expect(page.locator(".message-success")).to_contain_text("Pago registrado")
    expect(page.get_by_test_id("payment-status")).to_have_text("Pagado")
    expect(page.locator("#payments")).to_contain_text("OP-778812")
    expect(page.locator("#timeline")).to_contain_text("Pago registrado")
    page.locator("summary", has_text="Iniciar manejo").click()
    page.get_by_role("button", name="Confirmar e iniciar manejo").click()
    expect(page.locator(".message-success")).to_contain_text("Para envío")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (Status.READY_TO_SHIP, PaymentStatus.PAID)
