"""Eligibility inputs: business days between a call and its survey, and whether a survey counts under a window.

A business day is a weekday that is not a national public holiday of the site's country (the `holidays`
package); an empty country means weekends only. Counting is vectorised with numpy's business-day calendar so
that a file of millions of rows costs one call per country.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np

from worldclass.core.errors import AppError, ErrorDetail

# Public holidays are looked up for this span of years; surveys outside it still count weekends correctly.
FIRST_HOLIDAY_YEAR = 1990
LAST_HOLIDAY_YEAR = 2060


@lru_cache(maxsize=1)
def supported_countries() -> frozenset[str]:
    """ISO 3166 alpha-2 codes that the `holidays` package knows."""
    return frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)


class UnknownCountry(AppError):
    def __init__(self, country: str, *, line: int | None = None) -> None:
        super().__init__(
            code="unknown_country",
            message=f"Unknown country code {country!r}: expected an ISO 3166 alpha-2 code with known public holidays.",
            details=[ErrorDetail(message=f"unknown country code {country!r}", field="country", line=line)],
        )


@lru_cache(maxsize=256)
def business_day_calendar(country: str) -> np.busdaycalendar:
    """Monday to Friday, minus the country's national public holidays."""
    country = country.strip().upper()
    if not country:
        return np.busdaycalendar(weekmask="1111100")
    if country not in supported_countries():
        raise UnknownCountry(country)
    national = holidays.country_holidays(country, years=range(FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR + 1))
    days = np.array(sorted(national.keys()), dtype="datetime64[D]")
    return np.busdaycalendar(weekmask="1111100", holidays=days)


def business_days_after(*, country: str, start: dt.date, end: dt.date) -> int:
    """The number of business days d with start < d <= end (0 when end <= start)."""
    if end <= start:
        return 0
    one_day = dt.timedelta(days=1)
    return int(np.busday_count(start + one_day, end + one_day, busdaycal=business_day_calendar(country)))


def business_days_after_many(*, country: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`business_days_after` for arrays of datetime64[D] dates of one country, in one vectorised call."""
    one_day = np.timedelta64(1, "D")
    counts = np.busday_count(starts + one_day, ends + one_day, busdaycal=business_day_calendar(country))
    return np.maximum(counts, 0)


def is_eligible(*, window, delay_seconds: int, business_days_after_call: int) -> bool:
    """Whether a survey counts under `window` (a certification SurveyWindow).

    Minute windows: min*60 <= delay <= max*60, both ends inclusive. Business-day windows: the survey is not
    before the call, and its local date is at most N business days after the call's local date.
    """
    if window.kind == "minutes":
        return window.min_minutes * 60 <= delay_seconds <= window.max_minutes * 60
    return delay_seconds >= 0 and business_days_after_call <= window.business_days
