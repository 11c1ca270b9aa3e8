"""The «Stock» pages: list with filters, in-place edits without JavaScript, the SKU page, bulk upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import MovementReason, StockItem, StockUpload, UploadStatus
from fulfillment.services import start_handling
from orders.models import Status
from tests.factories import OrderFactory, OrderLineFactory, StockItemFactory, order_with_stock
from tests.stock.conftest import csv_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    return client


def skus_on(page) -> list[str]:
    return [item.sku for item in page.context["page"].object_list]


def test_the_stock_page_lists_the_sellers_skus_with_filters(browser, seller, other_seller):
    StockItemFactory(seller=seller, sku="EMPTY", quantity_on_hand=0)
    StockItemFactory(seller=seller, sku="LOW", quantity_on_hand=2, name="Café molido")
    StockItemFactory(seller=seller, sku="OWN-LOW", quantity_on_hand=8, low_stock_threshold=10)
    StockItemFactory(seller=seller, sku="PLENTY", quantity_on_hand=50)
    StockItemFactory(seller=other_seller, sku="THEIRS")
    page = browser.get("/stock/")
    assert page.status_code == 200
    assert skus_on(page) == ["EMPTY", "LOW", "OWN-LOW", "PLENTY"]
    assert skus_on(browser.get("/stock/?estado=sin_stock")) == ["EMPTY"]
    # the default threshold (5), or the SKU's own
    assert skus_on(browser.get("/stock/?estado=bajo")) == ["LOW", "OWN-LOW"]
    assert skus_on(browser.get("/stock/?q=café")) == ["LOW"]
    assert skus_on(browser.get("/stock/?orden=-available"))[0] == "PLENTY"
    content = page.content.decode()
    assert 'name="quantity"' in content and "THEIRS" not in content
    assert 'href="/stock/"' in content  # the nav link


def test_a_row_form_sets_the_quantity_and_comes_back_to_the_list(browser, seller, owner):
    item = StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=2)
    answer = browser.post(f"/stock/{item.pk}/quantity/", {"quantity": "9", "next": "/stock/?estado=bajo"})
    assert answer.status_code == 302 and answer["Location"] == "/stock/?estado=bajo"
    item.refresh_from_db()
    assert item.quantity_on_hand == 9
    assert item.movements.get(reason=MovementReason.MANUAL).actor == owner
    # an off-site "next" is ignored
    answer = browser.post(f"/stock/{item.pk}/quantity/", {"quantity": "9", "next": "https://evil.example/"})
    assert answer["Location"] == f"/stock/{item.pk}/"


@pytest.mark.parametrize("bad", ["-1", "2.5", "", "mucho"])
def test_a_bad_quantity_changes_nothing_and_says_why(browser, seller, bad):
    item = StockItemFactory(seller=seller, quantity_on_hand=2)
    page = browser.post(f"/stock/{item.pk}/quantity/", {"quantity": bad}, follow=True)
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    item.refresh_from_db()
    assert item.quantity_on_hand == 2


def test_lowering_below_reserved_says_which_orders_hold_it(browser, seller, owner):
    order = order_with_stock(seller=seller, quantity=3, on_hand=5)
    item = StockItem.objects.get(seller=seller, sku=order.lines.get().sku)
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    page = browser.post(f"/stock/{item.pk}/quantity/", {"quantity": "1"}, follow=True)
    (message,) = [str(m) for m in page.context["messages"]]
    assert f"#{order.number}" in message
    assert StockItem.objects.get(pk=item.pk).quantity_on_hand == 5
    # and the SKU page shows who holds it
    assert f"#{order.number}" in browser.get(f"/stock/{item.pk}/").content.decode()


def test_the_sku_page_shows_its_movements(browser, seller, owner):
    order = order_with_stock(seller=seller, quantity=1, on_hand=5)
    item = StockItem.objects.get(seller=seller, sku=order.lines.get().sku)
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    browser.post(f"/stock/{item.pk}/quantity/", {"quantity": "7", "low_stock_threshold": "3"})
    page = browser.get(f"/stock/{item.pk}/")
    reasons = [m.reason for m in page.context["movements"]]
    assert reasons == [MovementReason.MANUAL, MovementReason.RESERVATION, MovementReason.OPENING]
    content = page.content.decode()
    assert "Reserva por orden" in content and f"#{order.number}" in content
    assert StockItem.objects.get(pk=item.pk).low_stock_threshold == 3


def test_a_refused_start_handling_links_each_short_sku_to_its_stock(browser, seller, site):
    # given an order for a SKU with 0 on hand
    order = OrderFactory(seller=seller, site=site)
    OrderLineFactory(order=order, sku="NEW-1", quantity=2)
    item = StockItemFactory(seller=seller, sku="NEW-1", quantity_on_hand=0)
    # when «Iniciar manejo» is refused
    page = browser.post(f"/orders/{order.pk}/start-handling/", follow=True)
    # then the message links the SKU's page, which leads back to the order
    link = f'href="/stock/{item.pk}/?orden={order.pk}"'
    assert link in page.content.decode()
    sku_page = browser.get(f"/stock/{item.pk}/?orden={order.pk}").content.decode()
    assert f'href="/orders/{order.pk}/"' in sku_page
    # and once the stock is set, «Iniciar manejo» works
    browser.post(f"/stock/{item.pk}/quantity/", {"quantity": "2"})
    browser.post(f"/orders/{order.pk}/start-handling/")
    order.refresh_from_db()
    assert order.status == Status.READY_TO_SHIP


def test_an_upload_is_previewed_then_confirmed_once(browser, seller):
    StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=1)
    answer = browser.post("/stock/upload/", {"file": csv_file("sku,quantity,name\nA-1,4,\nB-1,2,Bebida\n")})
    upload = StockUpload.objects.get(seller=seller)
    assert answer["Location"] == f"/stock/uploads/{upload.pk}/"
    preview = browser.get(answer["Location"])
    assert preview.context["counts"].new == 1 and preview.context["counts"].changed == 1
    assert StockItem.objects.get(sku="A-1").quantity_on_hand == 1
    browser.post(f"/stock/uploads/{upload.pk}/confirm/")
    again = browser.post(f"/stock/uploads/{upload.pk}/confirm/", follow=True)
    assert [m.level_tag for m in again.context["messages"]][-1] == "info"
    assert dict(seller.stock_items.values_list("sku", "quantity_on_hand")) == {"A-1": 4, "B-1": 2}
    assert StockUpload.objects.get(pk=upload.pk).status == UploadStatus.APPLIED


def test_an_upload_with_bad_rows_lists_them_and_cannot_be_confirmed(browser, seller):
    StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=1)
    file = xlsx_file([["sku", "quantity", "color"], ["A-1", -4, "rojo"], ["A-1", 2, ""]])
    browser.post("/stock/upload/", {"file": file})
    upload = StockUpload.objects.get(seller=seller)
    page = browser.get(f"/stock/uploads/{upload.pk}/").content.decode()
    assert "color" in page and "negativa" in page and "repetido" in page
    assert "confirm-upload" not in page
    browser.post(f"/stock/uploads/{upload.pk}/confirm/")
    assert StockItem.objects.get(sku="A-1").quantity_on_hand == 1


def test_an_upload_that_is_not_a_sheet_is_415_and_too_large_is_413(browser, seller, settings):
    answer = browser.post("/stock/upload/", {"file": SimpleUploadedFile("s.csv", b"%PDF-1.7 ...")})
    assert answer.status_code == 415 and "CSV o XLSX" in answer.content.decode()
    settings.STOCK_UPLOAD_MAX_BYTES = 50
    answer = browser.post("/stock/upload/", {"file": csv_file("sku,quantity\n" + "A,1\n" * 40)})
    assert answer.status_code == 413
    assert not StockUpload.objects.exists()


def test_another_sellers_upload_cannot_be_seen_or_confirmed(browser, other_seller, other_owner):
    other = StockUpload.objects.create(seller=other_seller, created_by=other_owner, filename="x.csv")
    assert browser.get(f"/stock/uploads/{other.pk}/").status_code == 404
    assert browser.post(f"/stock/uploads/{other.pk}/confirm/").status_code == 404
    assert StockUpload.objects.get(pk=other.pk).status == UploadStatus.PREVIEW
