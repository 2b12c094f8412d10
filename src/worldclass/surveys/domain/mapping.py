"""Mapping files: how a client's own survey export maps onto the interchange format (docs/import-format.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from worldclass.core.errors import AppError, ErrorDetail

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
# Optional display names; a file without them leaves names as they are (docs/import-format.md).
NAME_COLUMNS = ["org_name", "site_name", "supervisor_name", "csr_name"]
# The largest top box a scale may have; scales are small integer ranges such as 1..5, 1..10 or 0..10.
MAX_SCALE_TOP = 100


@dataclass(frozen=True)
class SurveyMapping:
    """Column renames, value maps and the rating scale of one client's export."""

    columns: dict[str, str] = field(default_factory=dict)  # interchange column -> the file's column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # interchange column -> {file value: ours}
    scale_min: int = 1
    scale_max: int = 5

    def source_column(self, column: str) -> str:
        return self.columns.get(column, column)

    def as_dict(self) -> dict:
        return {
            "columns": dict(self.columns),
            "values": {k: dict(v) for k, v in self.values.items()},
            "rating": {"scale": [self.scale_min, self.scale_max]},
        }


def _invalid(source: str, problems: list[ErrorDetail]) -> AppError:
    return AppError(code="invalid_mapping", message=f"The mapping file {source} is invalid.", details=problems)


def parse_mapping(text: str, *, source: str = "mapping.toml") -> SurveyMapping:
    """Parse a TOML mapping; every problem is reported at once, naming the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _invalid(source, [ErrorDetail(message=f"not valid TOML: {error}")]) from error
    problems: list[ErrorDetail] = []
    for key in sorted(set(data) - {"columns", "values", "rating"}):
        problems.append(ErrorDetail(message="unknown section (expected columns, values, rating)", field=key))

    columns: dict[str, str] = {}
    raw_columns = data.get("columns", {})
    if not isinstance(raw_columns, dict):
        problems.append(ErrorDetail(message='must be a table of column = "file\'s column"', field="columns"))
        raw_columns = {}
    for key, value in raw_columns.items():
        if key not in COLUMNS and key not in NAME_COLUMNS:
            problems.append(ErrorDetail(message=f"unknown interchange column {key!r}", field=f"columns.{key}"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(
                ErrorDetail(message="must be the file's column name, a non-empty string", field=f"columns.{key}")
            )
        else:
            columns[key] = value
    renamed = list(columns.values())
    for name in sorted({n for n in renamed if renamed.count(n) > 1}):
        problems.append(ErrorDetail(message=f"the file's column {name!r} is mapped twice", field="columns"))

    values: dict[str, dict[str, str]] = {}
    raw_values = data.get("values", {})
    if not isinstance(raw_values, dict):
        problems.append(ErrorDetail(message="must be a table of [values.<column>] tables", field="values"))
        raw_values = {}
    for column, table in raw_values.items():
        if column not in COLUMNS:
            problems.append(ErrorDetail(message=f"unknown interchange column {column!r}", field=f"values.{column}"))
            continue
        if not isinstance(table, dict):
            problems.append(ErrorDetail(message='must be a table of "file value" = "value"', field=f"values.{column}"))
            continue
        converted = {}
        for old, new in table.items():
            if isinstance(new, bool):
                new = "yes" if new else "no"
            elif isinstance(new, int):
                new = str(new)
            if not isinstance(new, str):
                problems.append(
                    ErrorDetail(message="must be a string, integer or boolean", field=f"values.{column}.{old}")
                )
                continue
            converted[old] = new
        values[column] = converted

    scale_min, scale_max = 1, 5
    rating = data.get("rating", {})
    if not isinstance(rating, dict):
        problems.append(ErrorDetail(message="must be a table with scale = [low, high]", field="rating"))
        rating = {}
    for key in sorted(set(rating) - {"scale"}):
        problems.append(ErrorDetail(message="unknown key (expected scale)", field=f"rating.{key}"))
    if "scale" in rating:
        scale = rating["scale"]
        if (
            not isinstance(scale, list)
            or len(scale) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in scale)
            or not 0 <= scale[0] < scale[1] <= MAX_SCALE_TOP
        ):
            problems.append(
                ErrorDetail(
                    message=f"must be [low, high], whole numbers with 0 <= low < high <= {MAX_SCALE_TOP}, e.g. [1, 10]",
                    field="rating.scale",
                )
            )
        else:
            scale_min, scale_max = scale
    if problems:
        raise _invalid(source, problems)
    return SurveyMapping(columns=columns, values=values, scale_min=scale_min, scale_max=scale_max)


def load_mapping(path: Path | str) -> SurveyMapping:
    """Read and parse a mapping file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _invalid(str(path), [ErrorDetail(message=f"cannot read it: {error}")]) from error
    return parse_mapping(text, source=path.name)
