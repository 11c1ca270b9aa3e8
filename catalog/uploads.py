"""Bulk stock upload: a CSV or XLSX file (columns sku, quantity, optional name) read as a stream,
checked by content and size, staged row by row in StockUploadRow (COPY on PostgreSQL), then judged
in SQL (repeated SKUs, unknown SKUs, below what orders hold), so memory stays flat in the file size.
Nothing changes stock until the seller confirms (catalog.bulk.apply_upload)."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext as _

from catalog.models import StockUpload, StockUploadRow
from catalog.services import check_quantity
from core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

CHUNK = 64 * 1024
# header names, Spanish ones too, as a spreadsheet would have them
COLUMNS = {
    "sku": "sku",
    "quantity": "quantity",
    "cantidad": "quantity",
    "stock": "quantity",
    "name": "name",
    "nombre": "name",
}
XLSX_MAX_EXPANSION = 20  # an XLSX may unpack to this many times the upload limit, not more (zip bombs)
STAGE_BATCH = 2000


def _unsupported(detail: str | None = None) -> UnsupportedMediaType:
    return UnsupportedMediaType(
        detail or _("Formato no admitido: sube un archivo CSV o XLSX (Excel)."),
        fields={"file": [_("formato no admitido")]},
    )


def detect_format(upload: UploadedFile) -> str:
    """'csv' or 'xlsx', decided by the bytes (the name only has to agree); 413/415/400 otherwise."""
    limit = settings.STOCK_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise PayloadTooLarge(
            _("El archivo pesa %(size).1f MB; el máximo es %(limit).0f MB.")
            % {"size": upload.size / 1_048_576, "limit": limit / 1_048_576},
            fields={"file": [_("demasiado grande")]},
        )
    if not upload.size:
        raise ValidationFailed(_("El archivo está vacío."), fields={"file": [_("vacío")]})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    name = (upload.name or "").lower()
    if head.startswith(b"PK\x03\x04"):
        if name.endswith(".csv"):
            raise _unsupported(_("El archivo dice ser CSV pero su contenido es otro."))
        _check_xlsx(upload)
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _unsupported(_("Es un Excel antiguo (.xls): guárdalo como .xlsx o .csv."))
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise _unsupported()
    if name.endswith((".xlsx", ".xlsm")):
        raise _unsupported(_("El archivo dice ser XLSX pero su contenido es otro."))
    return "csv"


def _check_xlsx(upload: UploadedFile) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _unsupported(_("El archivo XLSX está dañado.")) from None
    finally:
        upload.seek(0)
    if "xl/workbook.xml" not in names:
        raise _unsupported()
    if unpacked > settings.STOCK_UPLOAD_MAX_BYTES * XLSX_MAX_EXPANSION:
        raise PayloadTooLarge(_("El XLSX descomprimido es demasiado grande."), fields={"file": [_("demasiado grande")]})


def _csv_encoding(upload: UploadedFile) -> str:
    """UTF-8 (with or without BOM) when every byte decodes so; else Windows-1252, as Excel saves CSV."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        upload.seek(0)


def _csv_records(upload: UploadedFile) -> Iterator[list]:
    upload.seek(0)
    text = io.TextIOWrapper(upload.file, encoding=_csv_encoding(upload), errors="replace", newline="")
    first = text.readline()
    # Excel in Spanish writes ";" between columns
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    yield from csv.reader(io.StringIO(first), delimiter=delimiter)
    yield from csv.reader(text, delimiter=delimiter)


def _xlsx_records(upload: UploadedFile) -> Iterator[list]:
    from openpyxl import load_workbook  # read-only: rows stream from the sheet's XML

    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken package
        raise _unsupported(_("El archivo XLSX está dañado.")) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if value is None else value for value in row]
    finally:
        workbook.close()


def _cell(value) -> str:
    return value.strip() if isinstance(value, str) else str(value).strip()


def _column(cells: list, positions: dict[str, int], column: str):
    index = positions.get(column)
    return cells[index] if index is not None and index < len(cells) else ""


def parse_rows(records: Iterator[list], *, max_rows: int) -> Iterator[tuple[int, str, int | None, str, str]]:
    """(line, sku, quantity, name, error) per data line; line 1 is the header. Stops past `max_rows`."""
    header = None
    line = 0
    for cells in records:
        line += 1
        if any(_cell(value) for value in cells):
            header = [_cell(value).lower() for value in cells]
            break
    if header is None:
        raise ValidationFailed(_("El archivo no tiene filas."), fields={"file": [_("vacío")]})
    unknown = [name for name in header if name and name not in COLUMNS]
    positions = {COLUMNS[name]: index for index, name in enumerate(header) if name in COLUMNS}
    problems = []
    if unknown:
        problems.append(
            _("Columna desconocida: %(columns)s (se esperan sku, quantity y, opcional, name).")
            % {"columns": ", ".join(unknown)}
        )
    missing = [column for column in ("sku", "quantity") if column not in positions]
    if missing:
        problems.append(_("Falta la columna: %(columns)s.") % {"columns": ", ".join(missing)})
    if problems:
        yield line, "", None, "", " ".join(problems)
        if missing:
            return
    data_rows = 0
    for number, cells in enumerate(records, start=line + 1):
        if not any(_cell(value) for value in cells):
            continue
        data_rows += 1
        if data_rows > max_rows:
            yield (
                number,
                "",
                None,
                "",
                _("Supera el límite de %(limit)s filas: esta y las siguientes no se leen.")
                % {"limit": f"{max_rows:,}"},
            )
            return

        sku, name, raw = (_column(cells, positions, column) for column in ("sku", "name", "quantity"))
        sku, name = _cell(sku), _cell(name)
        error, quantity = "", None
        if not sku:
            error = _("Falta el SKU.")
        elif len(sku) > 64:
            error = _("El SKU tiene más de 64 caracteres.")
        elif len(name) > 200:
            error = _("El nombre tiene más de 200 caracteres.")
        else:
            try:
                quantity = check_quantity(raw.strip() if isinstance(raw, str) else raw)
            except ValidationFailed as invalid:
                error = invalid.message
        yield number, sku[:255], quantity, name[:200], error


class _CopyStream(io.RawIOBase):
    """The staged rows as PostgreSQL COPY text, produced as COPY reads (never the whole file at once)."""

    def __init__(self, upload_id: int, rows: Iterator[tuple]):
        self.lines = (self._line(upload_id, row) for row in rows)
        self.buffer = b""

    @staticmethod
    def _escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    def _line(self, upload_id: int, row: tuple) -> bytes:
        line, sku, quantity, name, error = row
        quantity_text = "\\N" if quantity is None else str(quantity)
        fields = (str(upload_id), str(line), self._escape(sku), quantity_text, self._escape(name), self._escape(error))
        return ("\t".join(fields) + "\n").encode()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = b"".join(line for line, _i in zip(self.lines, range(STAGE_BATCH), strict=False))
            if not chunk:
                break
            self.buffer += chunk
        if size < 0:
            data, self.buffer = self.buffer, b""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


def _stage(upload: StockUpload, rows: Iterator[tuple]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                "COPY catalog_stockuploadrow (upload_id, line, sku, quantity, name, error) FROM STDIN",
                _CopyStream(upload.pk, rows),
                size=CHUNK,
            )
        return
    batch = []
    for line, sku, quantity, name, error in rows:
        batch.append(StockUploadRow(upload=upload, line=line, sku=sku, quantity=quantity, name=name, error=error))
        if len(batch) >= STAGE_BATCH:
            StockUploadRow.objects.bulk_create(batch)
            batch = []
    StockUploadRow.objects.bulk_create(batch)


def stage_rows(*, upload: StockUpload, rows: Iterator[tuple], create_missing: bool) -> StockUpload:
    """Store the rows, then judge them together in SQL; fills the upload's counts."""
    from catalog.bulk import judge_rows  # the SQL half

    _stage(upload, rows)
    judge_rows(upload=upload, create_missing=create_missing)
    upload.row_count = upload.rows.count()
    upload.error_count = upload.rows.exclude(error="").count()
    upload.save(update_fields=["row_count", "error_count"])
    return upload


def read_upload(*, seller, actor, file: UploadedFile) -> StockUpload:
    """Parse and stage an uploaded file for its preview. Refuses (413/415/400) what is not a readable sheet."""
    kind = detect_format(file)
    records = _xlsx_records(file) if kind == "xlsx" else _csv_records(file)
    rows = parse_rows(records, max_rows=settings.STOCK_UPLOAD_MAX_ROWS)
    first = next(rows, None)  # the header is judged before anything is stored
    if first is None:
        raise ValidationFailed(_("El archivo no tiene filas de datos."), fields={"file": [_("sin filas")]})
    with transaction.atomic():
        upload = StockUpload.objects.create(seller=seller, created_by=actor, filename=(file.name or "")[-255:])

        def all_rows():
            yield first
            yield from rows

        return stage_rows(upload=upload, rows=all_rows(), create_missing=True)
