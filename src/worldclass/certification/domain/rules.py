"""The certification rules as pure functions on one entity's monthly counts.

Months are indexes into the entity's sequence of months, index 0 being its first month of data. These functions are
the plain statement of the rules; `evaluation` applies the same rules to every entity at once with numpy, and the
tests prove that both agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from worldclass.core.stats import Z_95, wilson_interval

GREATER_THAN = "gt"
AT_LEAST = "gte"


@dataclass(frozen=True)
class Window:
    """A run of consecutive months `start..end` (inclusive indexes) and its eligible and qualifying counts."""

    start: int
    end: int
    surveys: int
    meeting: int

    @property
    def months(self) -> int:
        return self.end - self.start + 1


def basis_points(threshold_percent: Decimal) -> int:
    """A percentage with at most two decimals as an exact integer of hundredths of a percent (80.00 -> 8000)."""
    scaled = Decimal(threshold_percent) * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"threshold {threshold_percent} has more than two decimals")
    return int(scaled)


def qualifying_window(
    *,
    eligible: Sequence[int],
    meeting: Sequence[int],
    end: int,
    min_months: int,
    max_months: int,
    min_surveys: int,
) -> Window | None:
    """The shortest trailing window ending at `end` whose eligible surveys reach `min_surveys`, or None.

    Its length L satisfies min_months <= L <= max_months and the window never starts before the entity's first month
    of data (index 0). Taking the shortest such window means nobody can pick a flattering period.
    """
    for length in range(min_months, max_months + 1):
        start = end - length + 1
        if start < 0:
            return None
        surveys = sum(eligible[start : end + 1])
        if surveys >= min_surveys:
            return Window(start=start, end=end, surveys=surveys, meeting=sum(meeting[start : end + 1]))
    return None


def meets_threshold(*, meeting: int, surveys: int, threshold_percent: Decimal, comparison: str) -> bool:
    """Whether meeting/surveys beats the threshold, in exact integer arithmetic. No surveys never meets it."""
    if surveys <= 0:
        return False
    left, right = meeting * 10000, basis_points(threshold_percent) * surveys
    if comparison == GREATER_THAN:
        return left > right
    if comparison == AT_LEAST:
        return left >= right
    raise ValueError(f"unknown comparison {comparison!r}")


def meets_threshold_with_confidence(
    *, meeting: int, surveys: int, threshold_percent: Decimal, comparison: str, z: float = Z_95
) -> bool:
    """Whether the Wilson lower bound (not the point estimate) beats the threshold."""
    interval = wilson_interval(meeting, surveys, z)
    if interval is None:
        return False
    low, threshold = interval[0], basis_points(threshold_percent) / 10000
    return low > threshold if comparison == GREATER_THAN else low >= threshold


def achievement_months(*, qualifies: Sequence[bool], validity_months: int) -> list[int]:
    """Months (indexes) that are achievements: the first qualifying month, then any qualifying month at least
    `validity_months` after the previous achievement."""
    achievements: list[int] = []
    for month, qualified in enumerate(qualifies):
        if qualified and (not achievements or month - achievements[-1] >= validity_months):
            achievements.append(month)
    return achievements


def certified_at(*, achievements: Sequence[int], month: int, validity_months: int) -> bool:
    """Certified at `month` when the last achievement a at or before it satisfies month <= a + validity_months."""
    earlier = [a for a in achievements if a <= month]
    return bool(earlier) and month <= earlier[-1] + validity_months
