"""Mapping files: how a client's own export maps onto the interchange format (docs/import-format.md).

Version 2 adds `[file]` (format, sheet, delimiter, encoding, time zone, date format), `[constants]`, columns that
feed several interchange columns or join several cells, and `[skip]`. Every version-1 mapping keeps working. The
parser serves both the survey import and the call import: each passes its own interchange columns.
"""

from __future__ import annotations

import codecs
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from worldclass.core.errors import AppError, ErrorDetail
from worldclass.core.i18n import gettext_noop

# The interchange format's columns, in order (docs/import-format.md).
COLUMNS = [
    "survey_id",
    "call_id",
    "org",
    "site",
    "country",
    "supervisor",
    "csr",
    "channel",
    "call_at",
    "surveyed_at",
    "resolved",
    "first_call",
    "overall_sat",
    "csr_sat",
    "comment",
]
# A file without a comment column gives every survey an empty comment.
REQUIRED_COLUMNS = [column for column in COLUMNS if column != "comment"]
# Optional interchange columns: the roster's display names (the latest import wins).
NAME_COLUMNS = ["org_name", "site_name", "supervisor_name", "csr_name"]
# The largest top box a scale may have; scales are small integer ranges such as 1..5, 1..10 or 0..10.
MAX_SCALE_TOP = 100
FORMATS = ("csv", "xlsx")
DELIMITERS = (",", ";", "\t", "|")
FILE_KEYS = ("format", "sheet", "delimiter", "encoding", "timezone", "date_format")
SECTIONS = ("file", "constants", "columns", "skip", "values", "rating")


@dataclass(frozen=True)
class FileOptions:
    """How to read the file: its format, sheet, delimiter and encoding, and how to read its timestamps."""

    format: str | None = None  # None: from the file name
    sheet: str | None = None  # None: the first sheet
    delimiter: str | None = None  # None: detected from the header line
    encoding: str = "utf-8"
    timezone: str | None = None  # IANA zone for timestamps written without an offset
    date_format: str | None = None  # strftime format of non-ISO dates

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None and not (k == "encoding" and v == "utf-8")}


@dataclass(frozen=True)
class SurveyMapping:
    """Column sources, constants, skipped rows, value maps, the file's shape and the rating scale of an export."""

    # interchange column -> the file's column, or the file's columns whose cells are joined with one space
    columns: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # interchange column -> {file value: ours}
    scale_min: int = 1
    scale_max: int = 5
    constants: dict[str, str] = field(default_factory=dict)  # interchange column -> its value on every row
    skip: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file column -> values whose rows are skipped
    file: FileOptions = field(default_factory=FileOptions)

    def source_column(self, column: str) -> str:
        """The file column of an interchange column mapped one to one (its own name when not renamed)."""
        source = self.columns.get(column, column)
        return source if isinstance(source, str) else column

    def sources(self, column: str) -> tuple[str, ...]:
        """The file columns an interchange column is read from (empty for a constant)."""
        if column in self.constants:
            return ()
        source = self.columns.get(column, column)
        return (source,) if isinstance(source, str) else source

    def as_dict(self) -> dict:
        body: dict = {
            "columns": {k: v if isinstance(v, str) else list(v) for k, v in self.columns.items()},
            "values": {k: dict(v) for k, v in self.values.items()},
            "rating": {"scale": [self.scale_min, self.scale_max]},
        }
        if self.constants:
            body["constants"] = dict(self.constants)
        if self.skip:
            body["skip"] = {k: list(v) for k, v in self.skip.items()}
        if self.file.as_dict():
            body["file"] = self.file.as_dict()
        return body


UNKNOWN_KEY = gettext_noop("unknown key (expected {expected})")
UNKNOWN_COLUMN = gettext_noop("unknown interchange column {column!r}")
NOT_A_VALUE = gettext_noop("must be a string, integer or boolean")


def _invalid(source: str, problems: list[ErrorDetail]) -> AppError:
    return AppError.worded(
        gettext_noop("The mapping file {source} is invalid."), code="invalid_mapping", details=problems, source=source
    )


def _text_value(value) -> str | None:
    """A TOML value as the text a file cell would hold: booleans as yes/no, integers as digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) else None


def _table(data: dict, key: str, problems: list[ErrorDetail], shape: str) -> dict:
    raw = data.get(key, {})
    if not isinstance(raw, dict):
        problems.append(ErrorDetail.worded(gettext_noop("must be a table of {shape}"), field=key, shape=shape))
        return {}
    return raw


def _parse_file(raw: dict, problems: list[ErrorDetail]) -> FileOptions:
    for key in raw:
        if key not in FILE_KEYS:
            problems.append(ErrorDetail.worded(UNKNOWN_KEY, field=f"file.{key}", expected=", ".join(FILE_KEYS)))
    options: dict = {}
    for key in FILE_KEYS:
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, str) or not value:
            problems.append(ErrorDetail.worded(gettext_noop("must be a non-empty string"), field=f"file.{key}"))
            continue
        options[key] = value
    if options.get("format", "csv") not in FORMATS:
        problems.append(ErrorDetail.worded(gettext_noop('must be "csv" or "xlsx"'), field="file.format"))
    if options.get("delimiter", ",") not in DELIMITERS:
        problems.append(ErrorDetail.worded(gettext_noop('must be ",", ";", "\\t" or "|"'), field="file.delimiter"))
    if "encoding" in options:
        try:
            options["encoding"] = codecs.lookup(options["encoding"]).name
        except LookupError:
            problems.append(
                ErrorDetail.worded(
                    gettext_noop("unknown encoding {encoding!r}"), field="file.encoding", encoding=options["encoding"]
                )
            )
    if "timezone" in options:
        try:
            ZoneInfo(options["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                ErrorDetail.worded(
                    gettext_noop("{timezone!r} is not an IANA time zone"),
                    field="file.timezone",
                    timezone=options["timezone"],
                )
            )
    if "date_format" in options:
        sample = dt.date(2025, 1, 31)
        try:
            ok = dt.datetime.strptime(sample.strftime(options["date_format"]), options["date_format"]).date() == sample
        except ValueError:
            ok = False
        if not ok or any(code in options["date_format"] for code in ("%H", "%M", "%S", "%z")):
            problems.append(
                ErrorDetail.worded(
                    gettext_noop("must be a date format with day, month and year, such as %d/%m/%Y"),
                    field="file.date_format",
                )
            )
    try:
        return FileOptions(**options)
    except TypeError:  # pragma: no cover - every key is checked above
        return FileOptions()


def parse_mapping(
    text: str,
    *,
    source: str = "mapping.toml",
    columns: list[str] | None = None,
    optional_columns: list[str] | None = None,
    ratings: bool = True,
) -> SurveyMapping:
    """Parse a TOML mapping; every problem is reported at once, naming the key.

    `columns` and `optional_columns` are the importer's interchange columns (the survey import's by default);
    `ratings` says whether a [rating] section is allowed.
    """
    known = list(columns if columns is not None else COLUMNS)
    known += list(optional_columns if optional_columns is not None else NAME_COLUMNS)
    sections = [s for s in SECTIONS if ratings or s != "rating"]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _invalid(
            source, [ErrorDetail.worded(gettext_noop("not valid TOML: {error}"), error=str(error))]
        ) from error
    problems: list[ErrorDetail] = []
    for key in sorted(set(data) - set(sections)):
        problems.append(
            ErrorDetail.worded(
                gettext_noop("unknown section (expected {expected})"), field=key, expected=", ".join(sections)
            )
        )

    file_options = _parse_file(_table(data, "file", problems, 'key = "value"'), problems)

    constants: dict[str, str] = {}
    for key, value in _table(data, "constants", problems, 'column = "value"').items():
        text_value = _text_value(value)
        if key not in known:
            problems.append(ErrorDetail.worded(UNKNOWN_COLUMN, field=f"constants.{key}", column=key))
        elif text_value is None:
            problems.append(ErrorDetail.worded(NOT_A_VALUE, field=f"constants.{key}"))
        else:
            constants[key] = text_value

    mapped: dict[str, str | tuple[str, ...]] = {}
    for key, value in _table(data, "columns", problems, 'column = "file\'s column"').items():
        if key not in known:
            problems.append(ErrorDetail.worded(UNKNOWN_COLUMN, field=f"columns.{key}", column=key))
        elif key in constants:
            problems.append(
                ErrorDetail.worded(
                    gettext_noop("is also given in [constants]; use one or the other"), field=f"columns.{key}"
                )
            )
        elif isinstance(value, str) and value.strip():
            mapped[key] = value
        elif isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
            mapped[key] = value[0] if len(value) == 1 else tuple(value)
        else:
            problems.append(
                ErrorDetail.worded(
                    gettext_noop("must be the file's column name, or a list of column names whose cells are joined"),
                    field=f"columns.{key}",
                )
            )

    skip: dict[str, tuple[str, ...]] = {}
    for key, value in _table(data, "skip", problems, '"file\'s column" = ["value", …]').items():
        texts = [_text_value(v) for v in value] if isinstance(value, list) else [None]
        if not key.strip() or not texts or None in texts:
            problems.append(
                ErrorDetail.worded(gettext_noop('must be a list of values, e.g. ["N", ""]'), field=f"skip.{key}")
            )
        else:
            skip[key] = tuple(texts)

    values: dict[str, dict[str, str]] = {}
    for column, table in _table(data, "values", problems, "[values.<column>] tables").items():
        if column not in known:
            problems.append(ErrorDetail.worded(UNKNOWN_COLUMN, field=f"values.{column}", column=column))
            continue
        if not isinstance(table, dict):
            problems.append(
                ErrorDetail.worded(gettext_noop('must be a table of "file value" = "value"'), field=f"values.{column}")
            )
            continue
        converted = {}
        for old, new in table.items():
            text_value = _text_value(new)
            if text_value is None:
                problems.append(ErrorDetail.worded(NOT_A_VALUE, field=f"values.{column}.{old}"))
                continue
            converted[old] = text_value
        values[column] = converted

    scale_min, scale_max = 1, 5
    rating = _table(data, "rating", problems, "scale = [low, high]") if ratings else {}
    for key in sorted(set(rating) - {"scale"}):
        problems.append(ErrorDetail.worded(UNKNOWN_KEY, field=f"rating.{key}", expected="scale"))
    if "scale" in rating:
        scale = rating["scale"]
        if (
            not isinstance(scale, list)
            or len(scale) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in scale)
            or not 0 <= scale[0] < scale[1] <= MAX_SCALE_TOP
        ):
            problems.append(
                ErrorDetail.worded(
                    gettext_noop("must be [low, high], whole numbers with 0 <= low < high <= {top}, e.g. [1, 10]"),
                    field="rating.scale",
                    top=MAX_SCALE_TOP,
                )
            )
        else:
            scale_min, scale_max = scale
    if problems:
        raise _invalid(source, problems)
    return SurveyMapping(
        columns=mapped,
        values=values,
        scale_min=scale_min,
        scale_max=scale_max,
        constants=constants,
        skip=skip,
        file=file_options,
    )


def read_mapping_text(data: bytes, *, source: str) -> str:
    """A mapping file's bytes as text: it must be UTF-8 (a BOM is tolerated)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _invalid(
            source,
            [ErrorDetail.worded(gettext_noop("cannot read it: not UTF-8 text ({reason})"), reason=error.reason)],
        ) from error


def load_mapping(path: Path | str, **options) -> SurveyMapping:
    """Read and parse a mapping file; `options` are parse_mapping's (the importer's columns)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _invalid(
            str(path), [ErrorDetail.worded(gettext_noop("cannot read it: {error}"), error=str(error))]
        ) from error
    return parse_mapping(read_mapping_text(data, source=path.name), source=path.name, **options)
