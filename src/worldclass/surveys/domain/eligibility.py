"""Eligibility inputs: everything the survey windows read, derived once from a survey's answers and timestamps.

The business-day rule ("within N business days of the call", docs/rules.md): a survey counts when its local date
is no later than the call's local date plus N business days, with workday arithmetic
(`numpy.busday_offset(call_date, N, roll="forward")`): a Wednesday call's deadline is Friday, so a Saturday survey
is outside. A business day is a day outside the country's own weekend (the `holidays` package: Friday and Saturday
in Egypt, Saudi Arabia and Israel) that is not one of its national public holidays; an empty country means a
Saturday and Sunday weekend and no holidays.

The stored quantity is `business_days_after`: the business days from the call's local date to the survey's local
date, both rolled forward to a business day, never negative. The survey counts exactly when that number is at most
N, so the rollups compare one stored integer with the window (tests prove the equivalence with `busday_offset`).
Counting is vectorised with numpy's business-day calendar so that a file of millions of rows costs one call per
country.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np

from worldclass.core.errors import AppError, ErrorDetail

# Public holidays are looked up for this span of years; surveys outside it still count weekends correctly.
FIRST_HOLIDAY_YEAR = 1990
LAST_HOLIDAY_YEAR = 2060
# Where no country is given: Saturday and Sunday (Monday = 0, as in `datetime.date.weekday`).
DEFAULT_WEEKEND = frozenset({5, 6})


@lru_cache(maxsize=1)
def supported_countries() -> frozenset[str]:
    """ISO 3166 alpha-2 codes that the `holidays` package knows (and its alias UK), as `list_supported_countries`
    gives them, read from its registry: that function imports every country's module to list them, 0.1 s that
    every import paid before its first row was written."""
    from holidays.registry import COUNTRIES  # (class name, alpha-2, alpha-3, aliases…) by module

    return frozenset(
        code for _name, *codes in COUNTRIES.values() for code in codes if len(code) == 2 and code.isupper()
    )


class UnknownCountry(AppError):
    def __init__(self, country: str, *, line: int | None = None) -> None:
        super().__init__(
            code="unknown_country",
            message=f"Unknown country code {country!r}: expected an ISO 3166 alpha-2 code with known public holidays.",
            details=[ErrorDetail(message=f"unknown country code {country!r}", field="country", line=line)],
        )


def _weekmask(weekend: frozenset[int]) -> str:
    """numpy's weekmask, Monday first: 1 for a working weekday."""
    return "".join("0" if day in weekend else "1" for day in range(7))


@lru_cache(maxsize=256)
def business_day_calendar(country: str) -> np.busdaycalendar:
    """The country's working week (its own weekend) minus its national public holidays; cached per country."""
    country = country.strip().upper()
    if not country:
        return np.busdaycalendar(weekmask=_weekmask(DEFAULT_WEEKEND))
    if country not in supported_countries():
        raise UnknownCountry(country)
    national = holidays.country_holidays(country, years=range(FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR + 1))
    days = np.array(sorted(national.keys()), dtype="datetime64[D]")
    return np.busdaycalendar(weekmask=_weekmask(frozenset(national.weekend)), holidays=days)


def last_day_of_window(*, country: str, call_date: dt.date, business_days: int) -> dt.date:
    """The last local date on which a survey of a call on `call_date` is within `business_days` business days."""
    calendar = business_day_calendar(country)
    deadline = np.busday_offset(np.datetime64(call_date, "D"), business_days, roll="forward", busdaycal=calendar)
    return deadline.astype(dt.date)


def business_days_after_many(*, countries: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per row, the business days from `starts` to `ends` (datetime64[D]) in the row's country, both rolled
    forward to a business day, and 0 when the end rolls to or before the start."""
    names = sorted(set(countries.tolist()))
    index = {name: code for code, name in enumerate(names)}
    codes = np.fromiter((index[country] for country in countries.tolist()), dtype=np.int64, count=len(countries))
    return business_days_after_coded(countries=names, codes=codes, starts=starts, ends=ends)


def business_days_after_coded(
    *, countries: Sequence[str], codes: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """`business_days_after_many` with each row's country given as its index in `countries`: one numpy call per
    country. An import codes its rows' countries in Polars: comparing them as Python strings was a third of the
    count's time (docs/performance.md)."""
    counts = np.zeros(len(starts), dtype=np.int64)
    for code, country in enumerate(countries):
        rows = np.flatnonzero(codes == code)
        if not rows.size:
            continue
        calendar = business_day_calendar(country)
        rolled_starts = np.busday_offset(starts[rows], 0, roll="forward", busdaycal=calendar)
        rolled_ends = np.busday_offset(ends[rows], 0, roll="forward", busdaycal=calendar)
        counts[rows] = np.maximum(np.busday_count(rolled_starts, rolled_ends, busdaycal=calendar), 0)
    return counts


def business_days_after(*, country: str, start: dt.date, end: dt.date) -> int:
    """The business days from `start` to `end`, both rolled forward to a business day; 0 if `end` rolls to or
    before `start`. A survey is within N business days of its call exactly when this is at most N."""
    counts = business_days_after_many(
        countries=np.array([country]),
        starts=np.array([start], dtype="datetime64[D]"),
        ends=np.array([end], dtype="datetime64[D]"),
    )
    return int(counts[0])


@dataclass(frozen=True)
class EligibilityInputs:
    """The derived fields of one survey that the rules and the rollups read."""

    call_local_date: dt.date
    survey_local_date: dt.date
    call_month: dt.date
    delay_seconds: int
    business_days_after_call: int
    is_fcr: bool
    is_world_class_call: bool


def derive_eligibility_inputs(
    *,
    country: str,
    call_at: dt.datetime,
    surveyed_at: dt.datetime,
    resolved: bool,
    first_call: bool,
    overall_sat: int,
    csr_sat: int,
    scale_max: int,
) -> EligibilityInputs:
    """Local dates in each timestamp's own UTC offset, the call month, the delay in whole seconds (rounded down:
    9 min 59.9 s is not 10 minutes), the business days in the site's country, and the FCR and World Class Call
    flags (top box = the scale's maximum). The importer derives the same columns vectorised; a test proves it."""
    call_local_date, survey_local_date = call_at.date(), surveyed_at.date()
    return EligibilityInputs(
        call_local_date=call_local_date,
        survey_local_date=survey_local_date,
        call_month=call_local_date.replace(day=1),
        # In UTC: Python subtracts two times of the same zone as wall-clock times, an hour off across a change of
        # daylight saving time.
        delay_seconds=(surveyed_at.astimezone(dt.UTC) - call_at.astimezone(dt.UTC)) // dt.timedelta(seconds=1),
        business_days_after_call=business_days_after(country=country, start=call_local_date, end=survey_local_date),
        is_fcr=resolved and first_call,
        is_world_class_call=resolved and overall_sat == scale_max and csr_sat == scale_max,
    )


def is_eligible(*, window, delay_seconds: int, business_days_after_call: int) -> bool:
    """Whether a survey counts under `window` (a certification SurveyWindow).

    Minute windows: min*60 <= delay <= max*60, both ends inclusive. Business-day windows: the survey is not
    before the call, and `business_days_after_call` (see `business_days_after`) is at most N.
    """
    if window.kind == "minutes":
        return window.min_minutes * 60 <= delay_seconds <= window.max_minutes * 60
    return delay_seconds >= 0 and business_days_after_call <= window.business_days
