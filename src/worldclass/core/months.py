"""Calendar months as values: `Month(2025, 6)`, parsed from and printed as `YYYY-MM`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
# Parsed months stay well inside Python's dates, so that a window reaching back or forward from one never overflows.
FIRST_PARSABLE_YEAR = 1000
LAST_PARSABLE_YEAR = 9000


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, not {self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH_RE.match(text.strip())
        if not match:
            raise ValueError(f"expected YYYY-MM, got {text!r}")
        year = int(match.group(1))
        if not FIRST_PARSABLE_YEAR <= year <= LAST_PARSABLE_YEAR:
            raise ValueError(f"expected a year from {FIRST_PARSABLE_YEAR} to {LAST_PARSABLE_YEAR}, got {text!r}")
        return cls(year, int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        """Months since year 0, so that differences are plain subtraction."""
        return self.year * 12 + self.month - 1

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def last_day(self) -> dt.date:
        return (self + 1).first_day() - dt.timedelta(days=1)

    def __add__(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __sub__(self, other: int | Month):
        if isinstance(other, Month):
            return self.index - other.index
        return Month.from_index(self.index - other)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
