"""Every CSV the project writes neutralises formula cells (=, +, -, @, tab, CR), through one function."""

from __future__ import annotations

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from core.spreadsheets import csv_writer, safe_cell
from fulfillment.models import Penalty, PenaltyStatus
from tests.factories import DEFAULT_PASSWORD, OrderFactory

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ['=HYPERLINK("http://x.example")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_that_a_spreadsheet_would_evaluate_is_written_as_text(cell):
    # when a cell starting with a formula trigger is written
    written = safe_cell(cell)
    # then it starts with an apostrophe and keeps the rest as it was
    assert written == "'" + cell


@pytest.mark.parametrize("cell", ["Café 500 g", "50.00", "-12.50", "+3", "", "a=b", "1300123"])
def test_ordinary_text_and_plain_numbers_are_untouched(cell):
    assert safe_cell(cell) == cell


def test_the_writer_neutralises_every_cell_of_a_row():
    line = csv_writer().writerow(["#1300", "=1+1", None, Decimal("-5.00"), "@x"])
    assert next(csv.reader(io.StringIO(line))) == ["#1300", "'=1+1", "", "-5.00", "'@x"]


@pytest.mark.django_db
def test_the_penalties_export_neutralises_what_sellers_and_operators_typed(client, seller, site, owner):
    # given penalties whose appeal and waive texts (typed by people) begin with formula triggers
    texts = ['=HYPERLINK("http://x.example","ver")', "+51 987 654 321", "-ver anexo", "@admin dice"]
    for number, text in enumerate(texts):
        order = OrderFactory(seller=seller, site=site, number=f"=1+{number}")
        Penalty.objects.create(
            seller=seller,
            order=order,
            rule="late_handling",
            clause="19",
            deadline=order.handling_deadline,
            amount=Decimal("50.00"),
            currency="PEN",
            raised_at=timezone.now(),
            status=PenaltyStatus.APPEALED if number % 2 == 0 else PenaltyStatus.WAIVED,
            appealed_at=timezone.now() if number % 2 == 0 else None,
            appeal_text=text if number % 2 == 0 else "",
            waived_at=timezone.now() if number % 2 else None,
            waive_reason=text if number % 2 else "",
        )
    assert client.login(username=owner.username, password=DEFAULT_PASSWORD)
    # when the seller exports them
    export = client.get(reverse("dashboard:penalties_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))[1:]
    # then no cell starts with a formula trigger, and the typed texts are all there behind an apostrophe
    cells = [cell for row in rows for cell in row]
    assert len(rows) == 4
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r") or cell.startswith("-v")]
    assert {"'" + text for text in texts} <= set(cells)
    assert {row[0] for row in rows} == {f"'=1+{n}" for n in range(4)}
    assert {row[4] for row in rows} == {"50.00"}


def test_no_module_writes_csv_but_through_core_spreadsheets():
    # every csv.writer / DictWriter of the project lives in core/spreadsheets.py, so none bypasses safe_cell
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in (".venv", "tests", "var", "node_modules") or relative == Path("core/spreadsheets.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                offenders.append(f"{relative}:{node.lineno}")
    assert not offenders, offenders
