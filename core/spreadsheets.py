"""CSV cells a spreadsheet reads as data, never as a formula (CSV/formula injection, OWASP).

Every CSV the project writes goes through `csv_writer`/`safe_row`: a text cell that begins with
`=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, which Excel, LibreOffice
and Google Sheets show as text. A plain number (`-12.50`, `+3`) is left alone: it cannot run
anything and a spreadsheet should still add it up.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def safe_row(values: Iterable) -> list[str]:
    return [safe_cell(value) for value in values]


class _Echo:
    """A file-like that hands back what it is given, to stream csv rows one at a time."""

    def write(self, value: str) -> str:
        return value


class SafeCsvWriter:
    """`csv.writer` whose `writerow` neutralises formula cells and returns the line (for streaming)."""

    def __init__(self, target=None, **options):
        self._writer = csv.writer(target if target is not None else _Echo(), **options)

    def writerow(self, values: Iterable):
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(target=None, **options) -> SafeCsvWriter:
    """The one way to write CSV here; with no target, `writerow` returns the line for a streamed response."""
    return SafeCsvWriter(target, **options)
