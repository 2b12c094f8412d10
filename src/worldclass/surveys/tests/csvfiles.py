"""Writing survey-results CSV files for tests."""

from __future__ import annotations

import csv
from pathlib import Path

from worldclass.surveys.domain.mapping import COLUMNS

GOOD_ROW = {
    "survey_id": "s1",
    "call_id": "c1",
    "org": "acme",
    "site": "tor",
    "country": "CA",
    "supervisor": "S1",
    "csr": "C1",
    "channel": "phone",
    "call_at": "2025-03-12T10:00:00-04:00",
    "surveyed_at": "2025-03-12T11:00:00-04:00",
    "resolved": "yes",
    "first_call": "yes",
    "overall_sat": "5",
    "csr_sat": "5",
    "comment": "",
}


def row(**changes) -> dict:
    return {**GOOD_ROW, **changes}


def rows(count: int, **changes) -> list[dict]:
    """`count` good rows with survey ids s1..sN and call ids c1..cN."""
    return [row(survey_id=f"s{i}", call_id=f"c{i}", **changes) for i in range(1, count + 1)]


def write_csv(path: Path, records: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or COLUMNS
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    return path
