"""A corpus of malformed survey files, as careless clients and attackers send them: name, bytes, and the message
each must be refused with (the line it names is in the message's details)."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl

from worldclass.surveys.domain.mapping import COLUMNS
from worldclass.surveys.tests.csvfiles import row, rows

LONG_FIELD = 131_073


def csv_bytes(records: list[dict], columns: list[str] | None = None, *, line_end: str = "\r\n") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, extrasaction="ignore", lineterminator=line_end)
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8")


def header_line() -> bytes:
    return ",".join(COLUMNS).encode() + b"\r\n"


def record_line(**changes) -> bytes:
    return csv_bytes([row(**changes)]).split(b"\r\n", 1)[1]


def xlsx_with_broken_sheet_xml() -> bytes:
    """A workbook whose sheet's XML is cut in half: the zip is sound, the XML is not."""
    workbook = openpyxl.Workbook()
    workbook.active.append(COLUMNS)
    workbook.active.append(list(row().values()))
    whole = io.BytesIO()
    workbook.save(whole)
    broken = io.BytesIO()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)
    return broken.getvalue()


# (name, content, message, [(line, field)] of the details; None when the details are not line errors)
CORPUS: list[tuple[str, bytes, str, list[tuple[int | None, str | None]]]] = [
    (
        "nul-byte.csv",
        header_line() + record_line() + record_line(survey_id="s2", comment="a\x00b"),
        "The file contains a NUL byte: it is binary, or text in an encoding such as UTF-16 (set [file] encoding).",
        [(3, None)],
    ),
    (
        "long-field-next-to-an-error.csv",
        csv_bytes([row(comment="x" * LONG_FIELD), row(survey_id="s2", overall_sat="9")]),
        "1 bad line(s) in the file; nothing was imported.",
        [(3, "overall_sat")],
    ),
    (
        "long-field-with-an-error.csv",
        csv_bytes([row(comment="x" * LONG_FIELD, overall_sat="9")]),
        "1 bad line(s) in the file; nothing was imported.",
        [(2, "overall_sat")],
    ),
    (
        "cr-only.csv",
        csv_bytes(rows(2), line_end="\r"),
        "The file's lines end with a carriage return only (an old Mac format): save it with LF or CRLF line ends.",
        [(1, None)],
    ),
    (
        "year-9999.csv",
        csv_bytes([row(surveyed_at="9999-12-31T23:59:59-12:00")]),
        "1 bad line(s) in the file; nothing was imported.",
        [(2, "surveyed_at")],
    ),
    (
        "year-1.csv",
        csv_bytes([row(call_at="0001-01-01T00:00:00+14:00")]),
        "1 bad line(s) in the file; nothing was imported.",
        [(2, "call_at")],
    ),
    (
        "unterminated-quote.csv",
        header_line() + record_line() + record_line(survey_id="s2").replace(b",5,5,", b',5,5,"oops', 1),
        "The file could not be read as CSV with a header row.",
        [(3, None)],
    ),
    (
        "duplicate-header.csv",
        csv_bytes([row()], [*COLUMNS, "csr"]),
        "The file's header row is not as expected.",
        [(1, "csr")],
    ),
    (
        "wide-header.csv",
        ",".join([*COLUMNS, *(["extra"] * 100_000)]).encode() + b"\n",
        "The file's header row is not as expected.",
        [(1, "extra")],
    ),
    ("empty.csv", b"", "The file is empty: it needs a header row.", [(1, None)]),
    ("blank-header.csv", b"\n\n", "The file is empty: it needs a header row.", [(1, None)]),
    (
        "truncated.xlsx",
        b"PK\x03\x04" + b"\x00" * 64,
        "The file could not be read as an xlsx workbook.",
        [(None, None)],
    ),
    (
        "broken-sheet.xlsx",
        xlsx_with_broken_sheet_xml(),
        "The xlsx workbook could not be read.",
        [(None, None)],
    ),
    (
        "old-excel.csv",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "This is an old Excel (.xls) file: save it as .xlsx or as CSV.",
        [(None, None)],
    ),
    (
        "latin1.csv",
        csv_bytes([row(), row(survey_id="s2", comment="caf\u00e9")]).replace("é".encode(), b"\xe9"),
        "The file is not UTF-8 text: set [file] encoding in the mapping (for example cp1252).",
        [(3, None)],
    ),
]
