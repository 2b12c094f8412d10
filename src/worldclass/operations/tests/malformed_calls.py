"""A corpus of malformed call-record files: name, bytes, the message each is refused with, and where."""

from __future__ import annotations

import csv
import io

from worldclass.operations.domain.calls import COLUMNS
from worldclass.operations.tests.factories import call_row

LONG_FIELD = 131_073


def csv_bytes(records: list[dict], columns: list[str] | None = None, *, line_end: str = "\r\n") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, extrasaction="ignore", lineterminator=line_end)
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8")


def corpus() -> list[tuple[str, bytes, str, list[tuple[int | None, str | None]]]]:
    """(name, content, message, [(line, field)] of the details); fresh call ids on every call."""
    good = csv_bytes([call_row()])
    return [
        (
            "nul-byte.csv",
            good + csv_bytes([call_row(queue="a\x00b")]).split(b"\r\n", 1)[1],
            "The file contains a NUL byte: it is binary, or text in an encoding such as UTF-16 (set [file] encoding).",
            [(3, None)],
        ),
        (
            "long-field-next-to-an-error.csv",
            csv_bytes([call_row(queue="q" * LONG_FIELD), call_row(language="xx")]),
            "long-field-next-to-an-error.csv: 2 problem(s); nothing was imported.",
            [(2, "queue"), (3, "language")],
        ),
        (
            "cr-only.csv",
            csv_bytes([call_row(), call_row()], line_end="\r"),
            "The file's lines end with a carriage return only (an old Mac format): save it with LF or CRLF line ends.",
            [(1, None)],
        ),
        (
            "year-9999.csv",
            csv_bytes([call_row(ended_at="9999-12-31T23:59:59-12:00")]),
            "year-9999.csv: 1 problem(s); nothing was imported.",
            [(2, "ended_at")],
        ),
        (
            "unterminated-quote.csv",
            good + csv_bytes([call_row()]).split(b"\r\n", 1)[1].replace(b",general,", b',"general,', 1),
            "The file could not be read as CSV with a header row.",
            [(3, None)],
        ),
        (
            "duplicate-header.csv",
            csv_bytes([call_row()], [*COLUMNS, "csr"]),
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
        (
            "xlsx-named-csv.csv",
            b"PK\x03\x04" + b"\x00" * 64,
            'This is an Excel file: set [file] format = "xlsx" in the mapping (or name it .xlsx).',
            [(None, None)],
        ),
    ]
