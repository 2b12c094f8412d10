"""Reading a client's tabular file, CSV or xlsx, as text columns with the file's own line numbers.

Shared by the survey import and the call import. A UTF-8 CSV is read in place by Polars (the fast path); another
encoding (or UTF-16, recognised by its byte-order mark) is first transcoded block by block into a temporary UTF-8
copy, so memory stays bounded. An xlsx sheet is read with openpyxl in read-only mode: typed cells become the text
the interchange format expects (a date cell `2025-03-12`, a time cell `10:05:00`, a number `5.0` as `5`).
Every way a file can fail to be read is an `AppError(code="invalid_file")` naming the line where it can.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from worldclass.core.errors import AppError, ErrorDetail
from worldclass.core.i18n import gettext_noop
from worldclass.surveys.domain.mapping import DELIMITERS, FileOptions, SurveyMapping

EXCEL_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
BLOCK = 1 << 20
# A CSV is read in blocks of about this many bytes per row of the importer's chunk (rows of the interchange format
# run 150 to 250 bytes); a block always ends where a record ends.
CSV_BYTES_PER_ROW = 256
# Offset-less spellings read in the mapping's [file] timezone; ISO 8601 always, the mapping's date_format too.
LOCAL_TIME_FORMATS = ["%H:%M:%S", "%H:%M", "%H:%M:%S%.f"]
ISO_DATE_FORMAT = "%Y-%m-%d"
NOT_UTF8_MESSAGE = gettext_noop("The file is not UTF-8 text: set [file] encoding in the mapping (for example cp1252).")
NOT_UTF8_DETAIL = gettext_noop("not UTF-8 text: set [file] encoding in the mapping")
NO_HEADER_ROW = gettext_noop("no header row")
XLSX_UNREADABLE = gettext_noop("The xlsx workbook could not be read.")
XLSX_SHEET_UNREADABLE = gettext_noop("cannot read the sheet: {error}")
# Bytes that are not UTF-8, as Python's surrogateescape error handler decodes them.
NOT_UTF8 = re.compile("[\udc80-\udcff]")
# Python's csv module refuses fields over 131,072 characters by default; a comment may legitimately be longer.
FIELD_SIZE_LIMIT = 1 << 30


def _record_end_after(data: bytes, start: int) -> int | None:
    """The index just past the first newline at or after `start` that ends a record (`data` starts at a record's
    start), or None. A newline inside a quoted field is not an end: RFC 4180 doubles a quote inside a quoted field,
    so a newline ends a record exactly when an even number of quotes precedes it."""
    position = data.find(b"\n", start)
    while position != -1 and data.count(b'"', 0, position) % 2:
        position = data.find(b"\n", position + 1)
    return None if position == -1 else position + 1


def _last_record_end(data: bytes) -> int:
    """The index just past the last newline of `data` that ends a record (`data` starts at a record's start), or 0."""
    quotes = data.count(b'"')
    position = data.rfind(b"\n")
    while position != -1 and (quotes - data.count(b'"', position)) % 2:
        position = data.rfind(b"\n", 0, position)
    return position + 1


def invalid_file(message: str, detail: str | None = None, *, line: int | None = None, **params) -> AppError:
    """A file that cannot be read: `message` says so and what to do, `detail` (by default the message) what is
    wrong where. Both are templates (gettext_noop) filled with `params`, so that a page words them in its reader's
    language."""
    detail = ErrorDetail.worded(detail or message, line=line, **params)
    return AppError.worded(message, code="invalid_file", details=[detail], **params)


@contextlib.contextmanager
def long_fields() -> Iterator[None]:
    """Let the csv module read fields of any length while the block runs."""
    previous = csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


@dataclass
class TabularFile:
    """An open tabular file: its header, and its data rows in batches of text columns."""

    format: str
    path: Path  # csv: a UTF-8 file (the original or a transcoded copy); xlsx: the workbook
    header: list[str]
    delimiter: str = ","
    sheet: str | None = None
    header_line: int = 1
    header_text: str = ""  # csv: the header's first physical line, to try other delimiters on
    temporary: Path | None = None
    _workbook: object | None = field(default=None, repr=False)
    _handle: object | None = field(default=None, repr=False)

    @property
    def frame_columns(self) -> list[str]:
        """The header as frame column names: a column without a name gets one (it is never read), and one named
        like the reader's own columns (`row_index`, `__…`) is renamed (`frame_names` says to what)."""
        return [
            name if name and name != "row_index" and not name.startswith("__") else f"__file_column_{index}"
            for index, name in enumerate(self.header)
        ]

    @property
    def frame_names(self) -> dict[str, str]:
        """The frame column of each header name that is not its own name."""
        return {name: frame for name, frame in zip(self.header, self.frame_columns, strict=True) if name != frame}

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
        if self._handle is not None:
            self._handle.close()
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)

    def duplicated_columns(self) -> list[str]:
        counts = Counter(self.header)
        return sorted(name for name, count in counts.items() if count > 1 and name)

    def header_split_on(self, delimiter: str) -> list[str]:
        with long_fields():
            return [name.strip() for name in next(csv.reader([self.header_text], delimiter=delimiter), [])]

    def batches(
        self, columns: list[pl.Expr], chunk_rows: int, *, first_chunk_rows: int | None = None
    ) -> Iterator[pl.DataFrame]:
        """Frames of `row_index` (0-based data record) and `columns`, expressions over the header's text columns:
        about `chunk_rows` each, or from `first_chunk_rows`, doubling up to `chunk_rows` (a reader that writes each
        frame while it reads the next starts writing sooner)."""
        sizes = chunk_sizes(first=first_chunk_rows or chunk_rows, most=chunk_rows)
        if self.format == "xlsx":
            yield from self._xlsx_batches(columns, sizes)
            return
        try:
            rows = 0
            for block in self._record_blocks(block_bytes=(size * CSV_BYTES_PER_ROW for size in sizes)):
                frame = pl.read_csv(
                    block,
                    has_header=False,
                    separator=self.delimiter,
                    infer_schema=False,
                    empty_string_is_null=False,
                    row_index_name="row_index",
                    row_index_offset=rows,
                    new_columns=self.frame_columns,
                    encoding="utf8",
                ).select(["row_index", *columns])
                rows += frame.height
                yield frame
        except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as error:
            problem = self.malformed_record() or ErrorDetail(message=str(error).splitlines()[0])
            message = gettext_noop("The file could not be read as CSV with a header row.")
            if problem.message.startswith("not UTF-8"):
                message = NOT_UTF8_MESSAGE
            raise AppError.worded(message, code="invalid_file", details=[problem]) from error

    def _record_blocks(self, *, block_bytes: Iterator[int]) -> Iterator[bytes]:
        """The CSV's data records (after the header), in blocks of about the sizes `block_bytes` gives, each ending
        where a record ends, read one block at a time: memory stays bounded by the block, whatever the file's
        length. (Polars' `collect_batches` read ahead of a slow consumer and kept every batch: about 0.55 KB a
        row.)"""
        with self.path.open("rb") as handle:
            pending = b""
            header_end = None
            while data := handle.read(next(block_bytes)):
                pending += data
                if header_end is None:
                    header_end = _record_end_after(pending, 0)
                    if header_end is None:
                        continue
                    pending = pending[header_end:]
                end = _last_record_end(pending)
                if end:
                    yield pending[:end]
                    pending = pending[end:]
            if header_end is not None and pending.strip():
                yield pending

    def malformed_record(self) -> ErrorDetail | None:
        """The first record Python's strict CSV reader cannot read, or that is not UTF-8, with its line.

        Run only after Polars failed, to say where: it reads the file record by record."""
        width = len(self.header)
        with long_fields(), self.path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            start = 1
            try:
                for record in reader:
                    if NOT_UTF8.search(self.delimiter.join(record)):
                        return ErrorDetail.worded(NOT_UTF8_DETAIL, line=start)
                    if start > 1 and record and len(record) != width:
                        return ErrorDetail.worded(
                            gettext_noop("{fields} fields where the header has {width}"),
                            line=start,
                            fields=len(record),
                            width=width,
                        )
                    start = reader.line_num + 1
            except csv.Error as error:
                return ErrorDetail.worded(
                    gettext_noop("malformed CSV from here: {error} (a quote that is never closed?)"),
                    line=start,
                    error=str(error),
                )
        return None

    def lines(self, rows: list[int]) -> dict[int, int]:
        """File line numbers of 0-based data records: the sheet's row numbers, or a CSV's physical lines (the
        header is line 1; a quoted field spanning several lines counts all of them)."""
        wanted = set(rows)
        if self.format == "xlsx":
            return {row: self.header_line + 1 + row for row in wanted}
        lines: dict[int, int] = {}
        with long_fields(), self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            try:
                next(reader, None)
                start = reader.line_num + 1
                for index, _record in enumerate(reader):
                    if index in wanted:
                        lines[index] = start
                        if len(lines) == len(wanted):
                            break
                    start = reader.line_num + 1
            except csv.Error:
                pass  # the rows past a malformed one keep the estimate below
        for row in wanted - set(lines):
            lines[row] = row + 2
        return lines

    # --- xlsx ---

    def _xlsx_batches(self, columns: list[pl.Expr], sizes: Iterator[int]) -> Iterator[pl.DataFrame]:
        sheet = self._workbook[self.sheet]
        chunk_rows = next(sizes)
        width = len(self.header)
        buffer: list[list[str]] = [[] for _ in range(width)]
        indices: list[int] = []
        try:
            # Rows come one per sheet row, empty ones included; a cell of an empty column has no row number.
            for index, cells in enumerate(sheet.iter_rows(min_row=self.header_line + 1)):
                values = [cell_text(cell) for cell in cells[:width]]
                if not any(values):
                    continue  # an empty row: nothing to read, and no line to report
                values += [""] * (width - len(values))
                indices.append(index)
                for column, value in zip(buffer, values, strict=True):
                    column.append(value)
                if len(indices) >= chunk_rows:
                    yield self._xlsx_frame(indices, buffer, columns)
                    buffer, indices, chunk_rows = [[] for _ in range(width)], [], next(sizes)
        except Exception as error:  # openpyxl's parsers raise many types on a hostile workbook
            raise invalid_file(XLSX_UNREADABLE, XLSX_SHEET_UNREADABLE, error=str(error)) from error
        if indices:
            yield self._xlsx_frame(indices, buffer, columns)

    def _xlsx_frame(self, indices: list[int], buffer: list[list[str]], columns: list[pl.Expr]) -> pl.DataFrame:
        data = {"row_index": pl.Series(indices, dtype=pl.UInt32)}
        data.update(
            {name: pl.Series(values, dtype=pl.String) for name, values in zip(self.frame_columns, buffer, strict=True)}
        )
        return pl.DataFrame(data).select(["row_index", *columns])


def chunk_sizes(*, first: int, most: int) -> Iterator[int]:
    """`first`, doubling up to `most`, then `most` for ever."""
    size = min(first, most)
    while True:
        yield size
        size = min(size * 2, most)


def cell_text(cell) -> str:
    """An xlsx cell as interchange text: dates, times and datetimes in ISO 8601, integral numbers without `.0`."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        number_format = (getattr(cell, "number_format", "") or "").lower()
        if value.time() == dt.time(0) and not any(code in number_format for code in ("h", "s")):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip() if isinstance(value, int) else str(value)


def _format_of(path: Path, name: str, options: FileOptions) -> str:
    if options.format:
        return options.format
    return "xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else "csv"


def open_tabular(path: Path, *, options: FileOptions, name: str) -> TabularFile:
    """Open a CSV or xlsx file as the mapping's [file] section describes; the caller closes it."""
    path = Path(path)
    with path.open("rb") as handle:
        start = handle.read(BLOCK)
    file_format = _format_of(path, name, options)
    if file_format == "xlsx":
        return _open_xlsx(path, options)
    if start.startswith(EXCEL_MAGIC):
        raise invalid_file(
            gettext_noop('This is an Excel file: set [file] format = "xlsx" in the mapping (or name it .xlsx).')
        )
    if start.startswith(OLD_EXCEL_MAGIC):
        raise invalid_file(gettext_noop("This is an old Excel (.xls) file: save it as .xlsx or as CSV."))
    encoding = options.encoding
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    temporary = None
    if encoding not in ("utf-8", "utf-8-sig"):
        temporary = _transcode(path, encoding)
        path = temporary
    try:
        _refuse_nul_and_cr_only(path)
        header, header_text, delimiter = _read_csv_header(path, options.delimiter)
    except AppError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    return TabularFile(
        format="csv", path=path, header=header, delimiter=delimiter, header_text=header_text, temporary=temporary
    )


def _transcode(path: Path, encoding: str) -> Path:
    """A UTF-8 copy of a file in another encoding, written block by block; a bad byte is refused on its line."""
    decoder = codecs.getincrementaldecoder(encoding)()
    descriptor, name = tempfile.mkstemp(prefix="worldclass-import-", suffix=".csv")
    target = Path(name)
    line = 1
    try:
        with path.open("rb") as source, os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            while True:
                block = source.read(BLOCK)
                try:
                    text = decoder.decode(block, final=not block)
                except UnicodeDecodeError as error:
                    decoded = block[: error.start].decode(encoding, errors="replace")
                    raise invalid_file(
                        gettext_noop("The file is not {encoding} text: set [file] encoding in the mapping."),
                        gettext_noop("a byte that is not {encoding}: {reason}"),
                        line=line + decoded.count("\n"),
                        encoding=encoding,
                        reason=error.reason,
                    ) from error
                if text.startswith("\ufeff") and line == 1 and out.tell() == 0:
                    text = text[1:]
                out.write(text)
                line += text.count("\n")
                if not block:
                    break
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _refuse_nul_and_cr_only(path: Path) -> None:
    """A NUL byte (a binary file, or UTF-16 without a BOM) and old-Mac CR-only line ends cannot be read as CSV."""
    saw_lf = saw_cr = False
    read = 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            nul = block.find(b"\x00")
            if nul >= 0:
                raise invalid_file(
                    gettext_noop(
                        "The file contains a NUL byte: it is binary, or text in an encoding such as UTF-16 "
                        "(set [file] encoding)."
                    ),
                    gettext_noop("a NUL byte"),
                    line=_line_of_byte(path, read + nul),
                )
            read += len(block)
            saw_lf = saw_lf or b"\n" in block
            saw_cr = saw_cr or b"\r" in block
    if saw_cr and not saw_lf:
        raise invalid_file(
            gettext_noop(
                "The file's lines end with a carriage return only (an old Mac format): save it with LF or CRLF line "
                "ends."
            ),
            gettext_noop("lines end with CR only"),
            line=1,
        )


def _line_of_byte(path: Path, position: int) -> int:
    """The line (from 1) of the byte at `position`, counted only for the error that names it: counting the lines of
    every file as it was checked cost a tenth of a second per 200 MB, before the import's first row was written."""
    line = 1
    with path.open("rb") as handle:
        while position > 0 and (block := handle.read(min(BLOCK, position))):
            line += block.count(b"\n")
            position -= len(block)
    return line


def _read_csv_header(path: Path, delimiter: str | None) -> tuple[list[str], str, str]:
    try:
        # Bytes that are not UTF-8 are kept as surrogates, so that only the header's own are refused here.
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            first_line = handle.readline()
            handle.seek(0)
            delimiter = delimiter or _detect_delimiter(first_line)
            with long_fields():
                header = next(csv.reader(handle, delimiter=delimiter, strict=True), None)
        if header and NOT_UTF8.search(delimiter.join(header)):
            raise invalid_file(NOT_UTF8_MESSAGE, gettext_noop("not UTF-8 text"), line=1)
    except csv.Error as error:
        raise invalid_file(
            gettext_noop("The header row cannot be read as CSV."),
            gettext_noop("malformed header: {error}"),
            line=1,
            error=str(error),
        ) from error
    if not header or not any(name.strip() for name in header):
        raise invalid_file(gettext_noop("The file is empty: it needs a header row."), NO_HEADER_ROW, line=1)
    return [name.strip() for name in header], first_line, delimiter


def _detect_delimiter(line: str) -> str:
    """The delimiter that splits the header line into the most fields (a comma when none does better)."""
    best, best_count = ",", 1
    with long_fields():
        for candidate in DELIMITERS:
            count = len(next(csv.reader([line], delimiter=candidate), []))
            if count > best_count:
                best, best_count = candidate, count
    return best


def _open_xlsx(path: Path, options: FileOptions) -> TabularFile:
    import openpyxl  # Only xlsx imports pay for loading it.

    # A file object, not the path: openpyxl judges a path by its suffix, and an upload's may be anything.
    handle = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl's parsers raise many types on a hostile workbook
        handle.close()
        raise invalid_file(
            gettext_noop("The file could not be read as an xlsx workbook."),
            gettext_noop("not an xlsx workbook: {error}"),
            error=str(error),
        ) from error
    try:
        names = workbook.sheetnames
        sheet_name = options.sheet or (names[0] if names else None)
        if sheet_name not in names:
            raise invalid_file(
                gettext_noop("The workbook has no sheet {sheet!r} (its sheets: {sheets})."),
                gettext_noop("no sheet {sheet!r}"),
                sheet=sheet_name,
                sheets=", ".join(map(repr, names)),
            )
        header_line, header = 0, []
        for row_number, cells in enumerate(workbook[sheet_name].iter_rows(), start=1):
            values = [cell_text(cell).strip() for cell in cells]
            if any(values):
                header_line, header = row_number, values
                break
        while header and not header[-1]:
            header.pop()
        if not header:
            raise invalid_file(gettext_noop("The sheet is empty: it needs a header row."), NO_HEADER_ROW, line=1)
    except AppError:
        workbook.close()
        handle.close()
        raise
    except Exception as error:  # openpyxl's parsers raise many types on a hostile workbook
        workbook.close()
        handle.close()
        raise invalid_file(XLSX_UNREADABLE, XLSX_SHEET_UNREADABLE, error=str(error)) from error
    return TabularFile(
        format="xlsx",
        path=path,
        header=header,
        sheet=sheet_name,
        header_line=header_line,
        _workbook=workbook,
        _handle=handle,
    )


# --- the mapping, applied to a file's columns (both importers) ---------------------------------------------------


def check_header(source: TabularFile, mapping: SurveyMapping, *, required: list[str], optional: list[str]) -> list[str]:
    """Refuse a header that lacks a column the mapping reads, or repeats one; returns the optional interchange
    columns the file gives (by name, mapping or constant). Linear in the header's width."""
    header = set(source.header)
    present = [c for c in optional if c in mapping.constants or c in mapping.columns or c in header]
    wanted: list[tuple[str, str]] = []  # (interchange column, file column)
    for column in required + present:
        wanted.extend((column, name) for name in mapping.sources(column))
    wanted.extend((name, name) for name in mapping.skip)
    problems = []
    for column, name in wanted:
        if name not in header:
            if name != column:
                missing = gettext_noop("missing column {name!r} (mapped to {column})")
            else:
                missing = gettext_noop("missing column {column!r}")
            problems.append(ErrorDetail.worded(missing, field=column, line=1, name=name, column=column))
    for name in source.duplicated_columns():
        problems.append(
            ErrorDetail.worded(gettext_noop("column {name!r} appears more than once"), field=name, line=1, name=name)
        )
    hint = _header_hint(source, mapping, needed={name for _, name in wanted}, required=required) if problems else None
    if hint is not None:
        problems.insert(0, hint)
    if problems:
        raise AppError.worded(
            gettext_noop("The file's header row is not as expected."), code="invalid_file", details=problems
        )
    return present


def _header_hint(
    source: TabularFile, mapping: SurveyMapping, *, needed: set[str], required: list[str]
) -> ErrorDetail | None:
    """What a refused header most likely means: another delimiter, or a client's export given without its mapping."""
    if source.format == "csv":
        for delimiter in DELIMITERS:
            if delimiter != source.delimiter and needed <= set(source.header_split_on(delimiter)):
                shown = "\\t" if delimiter == "\t" else delimiter
                return ErrorDetail.worded(
                    gettext_noop(
                        'the header has every column when split on {shown!r}: set [file] delimiter = "{shown}" '
                        "in the mapping"
                    ),
                    line=1,
                    shown=shown,
                )
    if not mapping.columns and not mapping.constants and not set(source.header) & set(required):
        # Not one interchange column: a client's own export, given without the mapping that reads it.
        return ErrorDetail.worded(
            gettext_noop(
                "the header has none of the interchange format's columns: if this is a client's own export, "
                "give its mapping (a saved mapping, or a mapping file; docs/import-format.md)"
            ),
            line=1,
        )
    return None


def interchange_columns(
    mapping: SurveyMapping,
    *,
    required: list[str],
    optional: list[str],
    present: list[str],
    frame_names: dict[str, str] | None = None,
) -> list[pl.Expr]:
    """Expressions over the file's columns giving the interchange columns: a constant, a file column, or the
    cells of several joined with one space; an optional column the file lacks is empty. With [skip], also the
    index of the rule that skips a row (`__skip_rule`) and the value it matched (`__skip_value`). `frame_names`
    are the file's columns renamed in the frame (TabularFile.frame_names)."""
    frame_names = frame_names or {}

    def column_of(name: str) -> pl.Expr:
        return pl.col(frame_names.get(name, name))

    def _cell(name: str) -> pl.Expr:
        return column_of(name).fill_null("").str.strip_chars()

    expressions = []
    for column in required + optional:
        if column in mapping.constants:
            expressions.append(pl.lit(mapping.constants[column], dtype=pl.String).alias(column))
        elif column not in required and column not in present:
            expressions.append(pl.lit("", dtype=pl.String).alias(column))
        else:
            sources = mapping.sources(column)
            if len(sources) == 1:
                expressions.append(column_of(sources[0]).alias(column))
            else:
                expressions.append(pl.concat_str([_cell(s) for s in sources], separator=" ").alias(column))
    if mapping.skip:
        rule = pl.lit(None, dtype=pl.Int32)
        value = pl.lit(None, dtype=pl.String)
        for index, (name, skipped) in reversed(list(enumerate(mapping.skip.items()))):
            matches = _cell(name).is_in(list(skipped))
            rule = pl.when(matches).then(pl.lit(index, dtype=pl.Int32)).otherwise(rule)
            value = pl.when(matches).then(_cell(name)).otherwise(value)
        expressions += [rule.alias("__skip_rule"), value.alias("__skip_value")]
    return expressions


def with_local_instants(frame: pl.DataFrame, column: str, options: FileOptions) -> pl.DataFrame:
    """Read `column`'s offset-less timestamps (ISO 8601, or the mapping's date_format with a time) in the [file]
    timezone; adds `__naive` (the local time), `__offset` (its UTC offset in minutes) and `__gap` (the local
    time does not exist).

    The offset is the one in force at that local time in the zone, so daylight saving time is followed. A local
    time that does not exist (the spring gap) has no offset and is flagged; an ambiguous one (the autumn repeat)
    takes its first occurrence, the offset before the clocks go back. Without a zone the offset is null.
    Computed step by step, so that each intermediate column is evaluated once."""
    text = pl.col(column).str.strip_chars().str.replace("T", " ", literal=True, n=1)
    date_formats = [ISO_DATE_FORMAT] + ([options.date_format] if options.date_format else [])
    frame = frame.with_columns(
        pl.coalesce(
            [
                text.str.to_datetime(f"{date_format} {time_format}", strict=False, time_unit="us")
                for date_format in date_formats
                for time_format in LOCAL_TIME_FORMATS
            ]
        ).alias("__naive")
    )
    naive = pl.col("__naive")
    if options.timezone is None:
        return frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("__offset"), pl.lit(False).alias("__gap"))
    frame = frame.with_columns(
        naive.dt.replace_time_zone(options.timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
        .alias("__utc")
    )
    utc = pl.col("__utc")
    return frame.with_columns(
        pl.when(utc.is_not_null()).then((naive - utc).dt.total_minutes()).alias("__offset"),
        (naive.is_not_null() & utc.is_null()).alias("__gap"),
    ).drop("__utc")


def skipped_counts(chunk: pl.DataFrame) -> dict[tuple[int, str], int]:
    """Per [skip] rule and matched value, how many rows of a chunk it skips."""
    found = chunk.filter(pl.col("__skip_rule").is_not_null()).group_by("__skip_rule", "__skip_value").len()
    return {(rule, value): count for rule, value, count in found.iter_rows()}
