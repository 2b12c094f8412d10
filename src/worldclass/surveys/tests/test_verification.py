"""The verification's arithmetic: which UTC offsets put a stored instant on its stored local date."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from worldclass.surveys.domain.verification import ANY_MINUTE_OFFSETS, QUARTER_HOUR_OFFSETS, _offsets_giving

ZONES = [dt.UTC, ZoneInfo("America/Toronto"), ZoneInfo("Asia/Kathmandu")]


def offsets_by_definition(instant: dt.datetime, local_date: dt.date, offsets: range) -> list[int]:
    return [o for o in offsets if (instant + dt.timedelta(minutes=o)).date() == local_date]


@given(
    instant=st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2199, 12, 31)),
    zone=st.sampled_from(ZONES),
    days=st.integers(min_value=-2, max_value=2),
    offsets=st.sampled_from([QUARTER_HOUR_OFFSETS, ANY_MINUTE_OFFSETS]),
)
def test_the_offsets_are_those_that_put_the_instant_on_the_local_date(instant, zone, days, offsets):
    aware = instant.replace(tzinfo=zone)
    local_date = aware.date() + dt.timedelta(days=days)

    assert _offsets_giving(aware, local_date, offsets) == offsets_by_definition(aware, local_date, offsets)


def test_an_instant_just_before_midnight_utc_is_on_the_next_day_east_of_greenwich():
    instant = dt.datetime(2025, 1, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)

    assert _offsets_giving(instant, dt.date(2025, 2, 1), range(-60, 61, 15)) == [15, 30, 45, 60]
