"""Reading a client's file: local times in a zone, and the delimiter found from the header."""

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from worldclass.surveys.domain.mapping import FileOptions
from worldclass.surveys.domain.sources import with_local_instants

ZONES = ["Europe/Zurich", "America/Toronto", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns"]


def python_offset(local: dt.datetime, zone: str) -> int | None:
    """The offset zoneinfo gives the first occurrence of a local time (None when it does not exist)."""
    aware = local.replace(tzinfo=ZoneInfo(zone), fold=0)
    back = aware.astimezone(dt.UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    if back != local:
        return None
    return int(aware.utcoffset().total_seconds() // 60)


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    locals_=st.lists(
        st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 12, 31)).map(
            lambda d: d.replace(microsecond=0)
        ),
        min_size=1,
        max_size=20,
    ),
)
def test_the_offset_of_a_local_time_is_zoneinfos_first_occurrence(zone, locals_):
    frame = pl.DataFrame({"at": [d.isoformat(sep=" ") for d in locals_]})
    read = with_local_instants(frame, "at", FileOptions(timezone=zone))
    expected = [python_offset(d, zone) for d in locals_]
    assert read["__offset"].to_list() == expected
    assert read["__gap"].to_list() == [offset is None for offset in expected]


def test_a_date_format_reads_day_first_dates_with_a_time():
    frame = pl.DataFrame({"at": ["31/03/2025 10:00", "31/03/2025 10:00:30", "2025-03-31T10:00:00", "31/02/2025 10:00"]})
    read = with_local_instants(frame, "at", FileOptions(timezone="Europe/Zurich", date_format="%d/%m/%Y"))
    assert read["__naive"].to_list() == [
        dt.datetime(2025, 3, 31, 10, 0),
        dt.datetime(2025, 3, 31, 10, 0, 30),
        dt.datetime(2025, 3, 31, 10, 0),
        None,
    ]
    assert read["__offset"].to_list() == [120, 120, 120, None]
