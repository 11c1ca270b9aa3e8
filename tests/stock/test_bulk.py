"""Bulk updates: a file is read, judged row by row, previewed, and applied once, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.bulk import apply_items, apply_upload, preview_counts
from catalog.models import ActorKind, MovementReason, StockItem, StockMovement, UploadStatus
from catalog.selectors import upload_errors
from catalog.services import BelowReserved
from catalog.uploads import read_upload
from core.errors import Conflict, NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from fulfillment.services import start_handling
from tests.factories import StockItemFactory, order_with_stock
from tests.stock.conftest import assert_quantities_are_the_sum_of_movements, csv_file, xlsx_file

pytestmark = pytest.mark.django_db


def errors_by_line(upload) -> dict[int, str]:
    return {row.line: row.error for row in upload_errors(upload=upload)}


def test_a_csv_is_previewed_then_applied_once(seller, owner):
    # given two SKUs, and a file changing one, keeping one, and adding a new one
    StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=5)
    StockItemFactory(seller=seller, sku="B-2", quantity_on_hand=3)
    file = csv_file("sku,quantity,name\nA-1,12,\nB-2,3,\nC-3,7,Nuevo producto\n")
    # when it is uploaded
    upload = read_upload(seller=seller, actor=owner, file=file)
    # then nothing changed yet, and the preview says what would
    assert (upload.row_count, upload.error_count, upload.status) == (3, 0, UploadStatus.PREVIEW)
    assert preview_counts(upload) == type(preview_counts(upload))(new=1, changed=1, unchanged=1)
    assert StockItem.objects.get(sku="A-1").quantity_on_hand == 5 and not StockItem.objects.filter(sku="C-3").exists()
    # when the seller confirms, twice
    _upload, applied = apply_upload(seller=seller, upload_id=upload.pk, actor=owner)
    _upload, again = apply_upload(seller=seller, upload_id=upload.pk, actor=owner)
    # then it applied once: quantities set, the new SKU created, each change a "carga masiva" movement
    assert (applied, again) == (True, False)
    assert StockItem.objects.get(sku="A-1").quantity_on_hand == 12
    new = StockItem.objects.get(seller=seller, sku="C-3")
    assert (new.name, new.quantity_on_hand) == ("Nuevo producto", 7)
    bulk = StockMovement.objects.filter(reason=MovementReason.BULK, upload=upload)
    assert sorted(bulk.values_list("stock_item__sku", "delta_on_hand", "on_hand_after")) == [
        ("A-1", 7, 12),
        ("C-3", 7, 7),
    ]
    assert set(bulk.values_list("actor_kind", "actor")) == {(ActorKind.MEMBER, owner.pk)}
    for item in StockItem.objects.filter(seller=seller):
        assert_quantities_are_the_sum_of_movements(item)


def test_every_bad_row_is_listed_with_why_and_nothing_can_be_applied(seller, owner):
    StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=5)
    file = csv_file("sku;quantity\nA-1;-2\nA-1;3\nB-9;4\nA-2;1.5\n;4\nA-3;diez\n")  # Excel's ";" too
    upload = read_upload(seller=seller, actor=owner, file=file)
    errors = errors_by_line(upload)
    assert "negativa" in errors[2]
    assert "repetido" in errors[3] and "2" in errors[3]
    assert "no registrado" in errors[4]
    assert "entero" in errors[5] and "entero" in errors[7]
    assert "SKU" in errors[6]
    assert upload.error_count == 6
    with pytest.raises(Conflict):
        apply_upload(seller=seller, upload_id=upload.pk, actor=owner)
    assert StockItem.objects.get(sku="A-1").quantity_on_hand == 5


def test_an_unknown_column_is_a_bad_row(seller, owner):
    StockItemFactory(seller=seller, sku="A-1")
    upload = read_upload(seller=seller, actor=owner, file=csv_file("sku,quantity,precio\nA-1,3,10.00\n"))
    assert "precio" in errors_by_line(upload)[1] and upload.error_count == 1


def test_a_file_without_the_quantity_column_is_one_bad_row(seller, owner):
    upload = read_upload(seller=seller, actor=owner, file=csv_file("sku,name\nA-1,x\n"))
    assert "quantity" in errors_by_line(upload)[1] and upload.row_count == 1


def test_rows_over_the_limit_are_reported_not_read(seller, owner, settings):
    settings.STOCK_UPLOAD_MAX_ROWS = 2
    StockItemFactory(seller=seller, sku="A-1")
    StockItemFactory(seller=seller, sku="A-2")
    upload = read_upload(seller=seller, actor=owner, file=csv_file("sku,quantity\nA-1,1\nA-2,2\nA-3,3\nA-4,4\n"))
    assert upload.row_count == 3
    assert "límite" in errors_by_line(upload)[4]


def test_an_xlsx_is_read_with_numbers_as_numbers(seller, owner):
    StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=1)
    file = xlsx_file([["SKU", "Cantidad", "Nombre"], ["A-1", 9, None], [None, None, None], ["N-1", 4.0, "Nuevo"]])
    upload = read_upload(seller=seller, actor=owner, file=file)
    assert upload.error_count == 0, errors_by_line(upload)
    apply_upload(seller=seller, upload_id=upload.pk, actor=owner)
    assert dict(StockItem.objects.filter(seller=seller).values_list("sku", "quantity_on_hand")) == {"A-1": 9, "N-1": 4}


def test_a_windows_1252_csv_keeps_its_accents(seller, owner):
    upload = read_upload(
        seller=seller, actor=owner, file=csv_file("sku,quantity,name\nP-1,2,Café\n", encoding="cp1252")
    )
    apply_upload(seller=seller, upload_id=upload.pk, actor=owner)
    assert StockItem.objects.get(sku="P-1").name == "Café"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("stock.csv", b"%PDF-1.7\n...", UnsupportedMediaType),
        ("stock.xlsx", b"sku,quantity\nA,1\n", UnsupportedMediaType),
        ("stock.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, UnsupportedMediaType),
        ("stock.xlsx", b"PK\x03\x04 not really a zip", UnsupportedMediaType),
        ("stock.csv", b"", ValidationFailed),
        ("stock.csv", b"sku,quantity\n", ValidationFailed),
    ],
)
def test_what_is_not_a_readable_sheet_is_refused_before_anything_is_stored(seller, owner, name, content, error):
    with pytest.raises(error):
        read_upload(seller=seller, actor=owner, file=SimpleUploadedFile(name, content))
    assert not seller.stock_items.exists()


def test_a_file_over_the_size_limit_is_413(seller, owner, settings):
    settings.STOCK_UPLOAD_MAX_BYTES = 100
    with pytest.raises(PayloadTooLarge):
        read_upload(seller=seller, actor=owner, file=csv_file("sku,quantity\n" + "A,1\n" * 50))


def test_a_preview_below_what_orders_hold_names_them_and_confirm_recheck_refuses(seller, owner):
    # given 3 of 5 units held by an order
    order = order_with_stock(seller=seller, quantity=3, on_hand=5)
    sku = order.lines.get().sku
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    # when a file asks for 2
    upload = read_upload(seller=seller, actor=owner, file=csv_file(f"sku,quantity\n{sku},2\n"))
    # then the preview names the order
    assert f"#{order.number}" in errors_by_line(upload)[2]


def test_confirming_after_an_order_took_the_units_is_refused_naming_it(seller, owner):
    # given a clean preview asking for 2 units
    order = order_with_stock(seller=seller, quantity=3, on_hand=5)
    sku = order.lines.get().sku
    upload = read_upload(seller=seller, actor=owner, file=csv_file(f"sku,quantity\n{sku},2\n"))
    assert upload.error_count == 0
    # when an order is handled before the seller confirms
    start_handling(order_id=order.pk, seller=seller, actor=owner)
    with pytest.raises(BelowReserved) as refused:
        apply_upload(seller=seller, upload_id=upload.pk, actor=owner)
    # then nothing is applied and the refusal names the order
    assert order.number in refused.value.fields["orders"]
    assert StockItem.objects.get(sku=sku).quantity_on_hand == 5


def test_another_sellers_upload_is_not_found(seller, other_seller, owner, other_owner):
    upload = read_upload(seller=other_seller, actor=other_owner, file=csv_file("sku,quantity,name\nZ,1,Zeta\n"))
    with pytest.raises(NotFound):
        apply_upload(seller=seller, upload_id=upload.pk, actor=owner)
    assert not StockItem.objects.filter(sku="Z").exists()


def test_api_items_are_all_or_nothing(seller, other_seller, owner):
    StockItemFactory(seller=seller, sku="A-1", quantity_on_hand=5)
    StockItemFactory(seller=seller, sku="A-2", quantity_on_hand=5)
    StockItemFactory(seller=other_seller, sku="THEIRS", quantity_on_hand=5)
    # a bad item refuses the whole call
    with pytest.raises(ValidationFailed) as refused:
        apply_items(seller=seller, items=[{"sku": "A-1", "quantity": 1}, {"sku": "A-2", "quantity": -1}], actor=owner)
    assert "items[1].quantity" in refused.value.fields
    with pytest.raises(ValidationFailed):
        apply_items(seller=seller, items=[{"sku": "A-1", "quantity": 1}, {"sku": "A-1", "quantity": 2}], actor=owner)
    # another seller's SKU in the body is not found, and nothing is applied
    with pytest.raises(NotFound):
        apply_items(seller=seller, items=[{"sku": "A-1", "quantity": 1}, {"sku": "THEIRS", "quantity": 0}], actor=owner)
    assert StockItem.objects.get(sku="A-1").quantity_on_hand == 5
    assert StockItem.objects.get(sku="THEIRS").quantity_on_hand == 5
    # a good call applies every item
    apply_items(seller=seller, items=[{"sku": "A-1", "quantity": 1}, {"sku": "A-2", "quantity": 0}], actor=owner)
    assert dict(seller.stock_items.values_list("sku", "quantity_on_hand")) == {"A-1": 1, "A-2": 0}


def test_api_items_over_the_limit_are_refused(seller, owner):
    with pytest.raises(ValidationFailed):
        apply_items(seller=seller, items=[{"sku": f"S{i}", "quantity": 1} for i in range(1001)], actor=owner)
