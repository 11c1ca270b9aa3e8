"""Helpers for the stock tests: files to upload and the invariant every SKU keeps."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from catalog.models import StockItem, StockMovement


def csv_file(text: str, name: str = "stock.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "stock.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def assert_quantities_are_the_sum_of_movements(item: StockItem) -> None:
    item.refresh_from_db()
    sums = StockMovement.objects.filter(stock_item=item).aggregate(
        on_hand=Sum("delta_on_hand"), reserved=Sum("delta_reserved")
    )
    assert (sums["on_hand"] or 0, sums["reserved"] or 0) == (item.quantity_on_hand, item.quantity_reserved)
    last = StockMovement.objects.filter(stock_item=item).order_by("-id").first()
    assert (last.on_hand_after, last.reserved_after) == (item.quantity_on_hand, item.quantity_reserved)
