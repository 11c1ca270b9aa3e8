"""Nothing sticks out of the screen or its card, on a phone and on a laptop."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from disputes.models import Party
from disputes.services import open_dispute
from fulfillment.deadlines import enforce_deadlines
from orders.models import Status
from tests.browser.test_order_flow import log_in
from tests.factories import OrderFactory, order_in_status, order_with_stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# each field of the filter form, measured against the form's content box (its border minus its padding)
FIELDS_OUTSIDE_THE_CARD = """() => {
  const form = document.querySelector("form.filters");
  const style = getComputedStyle(form);
  const box = form.getBoundingClientRect();
  const right = box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight);
  return [...form.querySelectorAll("input:not([type=hidden]), select, button, label")]
    .filter(el => el.getBoundingClientRect().right > right + 0.5)
    .map(el => `${el.tagName}#${el.id || el.textContent.trim()}: ${el.getBoundingClientRect().right} > ${right}`);
}"""

# the select is at least as wide as its chosen option's text plus its arrow
SORT_SELECT_FITS = """() => {
  const select = document.querySelector("#id_orden");
  const probe = document.createElement("span");
  probe.style.font = getComputedStyle(select).font;
  probe.style.position = "absolute";
  probe.style.whiteSpace = "nowrap";
  probe.textContent = select.options[select.selectedIndex].text;
  document.body.appendChild(probe);
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  return select.clientWidth - needed;
}"""

CHECKBOX_BESIDE_ITS_LABEL = """() => {
  const box = document.querySelector("#id_vence").getBoundingClientRect();
  const label = document.querySelector("label[for=id_vence]");
  const range = document.createRange();
  range.selectNodeContents(label);
  const text = [...range.getClientRects()].filter(r => r.left >= box.right).pop();
  return {width: box.width, height: box.height, boxTop: box.top, boxBottom: box.bottom,
          textTop: text ? text.top : null, textBottom: text ? text.bottom : null};
}"""


def page_width(page: Page) -> tuple[int, int]:
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


@pytest.fixture
def pages(seller, owner):
    """One of each dashboard page the sellers use most, with content in it."""
    now = timezone.now()
    statuses = [Status.PENDING_HANDLING, Status.READY_TO_SHIP, Status.SHIPPED, Status.DELIVERED, Status.CANCELED]
    for i in range(10):
        OrderFactory(seller=seller, status=statuses[i % 5], placed_at=now - timedelta(hours=3 * i + 1))
    order = order_with_stock(seller=seller, placed_at=now - timedelta(hours=4), buyer_full_name="Rosa Quispe Mamani")
    # a late order raises a penalty
    OrderFactory(seller=seller, placed_at=now - timedelta(days=3), handling_deadline=now - timedelta(days=2))
    enforce_deadlines(now=now)
    shipped = order_in_status(Status.SHIPPED, seller=seller, actor=owner)
    dispute, _ = open_dispute(
        order_id=shipped.pk,
        seller=seller,
        actor=None,
        party=Party.BUYER,
        reason_code="product_damaged",
        text="Llegó roto",
        responsible="Comprador",
    )
    return ["/", f"/orders/{order.pk}/", "/penalties/", "/disputes/", f"/disputes/{dispute.pk}/"]


@contextmanager
def seller_page(browser, live_server, owner, viewport) -> Iterator[Page]:
    """The owner logged in, in a browser of that screen size (a phone's touch included)."""
    context = browser.new_context(viewport=viewport, locale="es-PE", is_mobile=viewport is PHONE)
    try:
        page = context.new_page()
        log_in(page, live_server.url, owner.username)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_no_page_is_wider_than_the_screen(browser, live_server, owner, pages, viewport):
    widths = {}
    with seller_page(browser, live_server, owner, viewport) as page:
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            widths[path] = page_width(page)
        page.goto(live_server.url)
        page.screenshot(path=f"/tmp/sc-dashboard-list-{viewport['width']}.png")
    assert {path: w for path, w in widths.items() if w[0] > w[1]} == {}


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_the_order_filter_form_fits_its_card(browser, live_server, owner, pages, viewport):
    with seller_page(browser, live_server, owner, viewport) as page:
        outside = page.evaluate(FIELDS_OUTSIDE_THE_CARD)
        room_in_select = page.evaluate(SORT_SELECT_FITS)
        checkbox = page.evaluate(CHECKBOX_BESIDE_ITS_LABEL)
    assert outside == []
    # "Más recientes primero" is not cut (the arrow takes about 20 px)
    assert room_in_select >= 20
    # "Vence pronto": a normal-sized box on the line of its label's text
    assert checkbox["width"] <= 24 and checkbox["height"] <= 24
    assert checkbox["textTop"] is not None
    assert checkbox["boxBottom"] > checkbox["textTop"] and checkbox["boxTop"] < checkbox["textBottom"]
