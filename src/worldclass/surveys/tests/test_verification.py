"""The verification's arithmetic: which UTC offsets put a stored instant on its stored local date."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from worldclass.surveys.domain.verification import (
    ANY_MINUTE_OFFSETS,
    QUARTER_HOUR_OFFSETS,
    _candidate_offsets,
    _offsets_giving,
)

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


def _row_at(call_at: dt.datetime, surveyed_at: dt.datetime, *, local_date: dt.date) -> dict:
    return {
        "call_at": call_at,
        "surveyed_at": surveyed_at,
        "call_local_date": local_date,
        "survey_local_date": local_date,
    }


def test_the_sites_latest_pairs_come_first_in_their_order_when_they_give_the_dates():
    row = _row_at(
        dt.datetime(2025, 3, 12, 14, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 12, 15, tzinfo=dt.UTC),
        local_date=dt.date(2025, 3, 12),
    )
    # UTC+10:00 puts 14:00 UTC on the next day: not a candidate for this row.
    hints = [(-240, -300), (600, 600), (-300, -300)]

    assert list(_candidate_offsets(row, hints))[:3] == [(-240, -300), (-300, -300), (-720, -720)]


@given(
    hints=st.lists(st.tuples(st.sampled_from(QUARTER_HOUR_OFFSETS), st.sampled_from(QUARTER_HOUR_OFFSETS)), max_size=4)
)
def test_no_pair_is_tried_twice_whatever_the_hints(hints):
    row = _row_at(
        dt.datetime(2025, 3, 12, 14, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 13, 2, tzinfo=dt.UTC),
        local_date=dt.date(2025, 3, 12),
    )
    candidates = list(_candidate_offsets(row, list(dict.fromkeys(hints))))

    assert len(candidates) == len(set(candidates))
