"""An invitation expires when a survey would no longer count: the eligibility rule's own deadline."""

import datetime as dt

import pytest

from worldclass.certification.models import SurveyWindow
from worldclass.operations.domain.windows import window_closes_at

TWO_BUSINESS_DAYS = SurveyWindow(code="b2", kind="business_days", business_days=2)


@pytest.mark.parametrize(
    ("country", "timezone", "ended_at", "closes_at"),
    [
        # Wednesday 12 February 2025, 15:00 in Toronto: the last day is Friday, so it closes at Saturday 00:00.
        ("CA", "America/Toronto", "2025-02-12T20:00:00+00:00", "2025-02-15T00:00:00-05:00"),
        # Saturday 1 March 2025: the call counts from Monday, the last day is Wednesday.
        ("CA", "America/Toronto", "2025-03-01T15:00:00+00:00", "2025-03-06T00:00:00-05:00"),
        # Thursday 17 April 2025 before Good Friday: the last day is Tuesday 22 April.
        ("CA", "America/Toronto", "2025-04-17T15:00:00+00:00", "2025-04-23T00:00:00-04:00"),
        # Thursday 13 February 2025 in Cairo (weekend Friday and Saturday): the last day is Monday 17 February.
        ("EG", "Africa/Cairo", "2025-02-13T10:00:00+00:00", "2025-02-18T00:00:00+02:00"),
    ],
)
def test_a_business_day_invitation_closes_after_the_last_day_that_counts(country, timezone, ended_at, closes_at):
    closes = window_closes_at(
        window=TWO_BUSINESS_DAYS, ended_at=dt.datetime.fromisoformat(ended_at), country=country, timezone=timezone
    )
    assert closes == dt.datetime.fromisoformat(closes_at)
