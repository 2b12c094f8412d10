"""Every CSV and XLSX the platform hands out, written in one place.

A cell whose text starts with = + - @ (or a tab or a carriage return, which spreadsheets skip before reading a
formula) would run as a formula in Excel or LibreOffice; a customer's comment or a CSR's name must never do that.
CSV goes through defusedcsv, which prefixes such text with a quote. XLSX cells are typed: numbers as numbers, dates
as dates, and text as text with Excel's own quote prefix, so even text that looks like a formula stays text when
someone edits the cell. Downloads carry `Cache-Control: no-store`: they hold private figures and must not linger in
a shared cache or the browser's.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal

from defusedcsv import csv
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# defusedcsv neutralizes = + - @ | %; a leading tab or carriage return is trimmed by spreadsheets before they look
# for a formula, so those are neutralized here too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"  # so that Excel opens UTF-8 (accented names) as UTF-8
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_COLUMN_WIDTH = 60
CSV_ROWS_PER_BLOCK = 1000  # a streamed CSV is sent in blocks of rows, not a network write per row
CSV_ROWS_FIRST_BLOCK = 50  # but the first block is small, so that the download starts at once
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"


@dataclass
class Table:
    """A title, column headings, and rows of cells (text, numbers, booleans, dates, datetimes or None)."""

    title: str
    columns: list[str]
    rows: Iterable[Sequence]


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _csv_cell(value):
    if isinstance(value, dt.datetime):
        return _local(value).isoformat()
    if isinstance(value, str) and value[:1] in ("\t", "\r"):
        return "'" + value
    return value


class _Line:
    """A file whose write() hands back what it was given, so csv writes one line at a time (for streaming)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(table: Table, *, byte_order_mark: bool = True) -> Iterator[str]:
    """The table as CSV text, line by line, formula-safe; downloads start with a byte order mark (for Excel), a
    command's output does not."""
    writer = csv.writer(_Line())
    yield (BYTE_ORDER_MARK if byte_order_mark else "") + writer.writerow(table.columns)
    for row in table.rows:
        yield writer.writerow([_csv_cell(value) for value in row])


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _set_cell(cell, value) -> int:
    """Store a typed value in an XLSX cell; return how wide it displays, for the column width."""
    if value is None:
        return 0
    if isinstance(value, bool):
        cell.value = value
        return 5
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            return 0
        cell.value = value
        return len(str(value))
    if isinstance(value, dt.datetime):
        cell.value = _local(value).replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
        return len(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return len(DATE_FORMAT)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # loaded on download only, like to_xlsx's imports

    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    # openpyxl reads a leading "=" as a formula; text is text.
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    return max((len(line) for line in text.splitlines()), default=0)


def _sheet_title(title: str) -> str:
    return "".join(c for c in title if c not in SHEET_TITLE_FORBIDDEN)[:31] or "table"


def to_xlsx(table: Table) -> bytes:
    """The table as one XLSX sheet: a bold, frozen header row, typed cells and fitted column widths."""
    # openpyxl loads only when someone downloads a spreadsheet, not with every dashboard page.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    bold = Font(bold=True)
    widths = []
    for column, heading in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=column)
        widths.append(_set_cell(cell, heading))
        cell.font = bold
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            width = _set_cell(sheet.cell(row=row_number, column=column), value)
            if column > len(widths):
                widths.append(0)
            widths[column - 1] = max(widths[column - 1], width)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _private_download(response: HttpResponse | StreamingHttpResponse, filename: str):
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


def _within(context: AbstractContextManager, lines: Iterator[str]) -> Iterator[bytes]:
    with context:
        block: list[str] = []
        rows = -1  # the header line rides with the first block of rows
        block_rows = CSV_ROWS_FIRST_BLOCK
        for line in lines:
            block.append(line)
            rows += 1
            if rows == block_rows:
                yield "".join(block).encode("utf-8")
                block, rows, block_rows = [], 0, CSV_ROWS_PER_BLOCK
        yield "".join(block).encode("utf-8")


def csv_response(
    table: Table, *, filename: str, stream_within: AbstractContextManager | None = None
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download. Pass `stream_within` (e.g. the user's tenant scope) to stream a large table row by row: the
    rows are read after the view returns, so the context they need is opened again around them."""
    if stream_within is None:
        response = HttpResponse("".join(csv_lines(table)).encode("utf-8"), content_type=CSV_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(_within(stream_within, csv_lines(table)), content_type=CSV_CONTENT_TYPE)
    return _private_download(response, filename)


def xlsx_response(table: Table, *, filename: str) -> HttpResponse:
    return _private_download(HttpResponse(to_xlsx(table), content_type=XLSX_CONTENT_TYPE), filename)


def download(
    table: Table, *, fmt: str, stem: str, stream_within: AbstractContextManager | None = None
) -> HttpResponse | StreamingHttpResponse:
    """The table as `stem.csv` or `stem.xlsx`; any other format is not found."""
    if fmt == "csv":
        return csv_response(table, filename=f"{stem}.csv", stream_within=stream_within)
    if fmt == "xlsx":
        return xlsx_response(table, filename=f"{stem}.xlsx")
    raise Http404
