"""Polars frames as binary COPY data: what PostgreSQL stores from them is the frame's values, nulls included."""

import datetime as dt
import subprocess
import sys

import polars as pl
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldclass.core.binary_copy import HEADER, TRAILER, binary_copy_pieces, copy_type

UTC = dt.UTC
ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="binary COPY is PostgreSQL's")

# Each column: its PostgreSQL type (as Django names it) and its Polars type.
COLUMNS = {
    "big": ("bigint", pl.Int64),
    "whole": ("integer", pl.Int32),
    "small": ("smallint", pl.Int16),
    "flag": ("boolean", pl.Boolean),
    "day": ("date", pl.Date),
    "moment": ("timestamp with time zone", pl.Datetime("us", "UTC")),
    "code": ("varchar(64)", pl.String),
    "words": ("text", pl.String),
}


def frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={name: dtype for name, (_, dtype) in COLUMNS.items()}, orient="row")


def stored(data: pl.DataFrame, *, rows_per_piece: int = 2) -> list[tuple]:
    """The rows PostgreSQL stores from `data`'s binary COPY, in the frame's order."""
    columns = ", ".join(data.columns)
    types = [db_type for db_type, _ in COLUMNS.values()]
    definitions = ", ".join(f"{name} {db_type}" for name, (db_type, _) in COLUMNS.items())
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE copied (position serial, {definitions})")
        with cursor.copy(f"COPY copied ({columns}) FROM STDIN (FORMAT binary)") as copy:
            for piece in binary_copy_pieces(data.iter_slices(rows_per_piece), types=types):
                copy.write(piece)
        cursor.execute(f"SELECT {columns} FROM copied ORDER BY position")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE copied")
    return rows


EDGES = [
    (-(2**63), -(2**31), -(2**15), True, dt.date(1970, 1, 1), dt.datetime(1999, 12, 31, 23, 59, 59, 999999, UTC),
     "S-1", "Très bien, merci 👍"),
    (2**63 - 1, 2**31 - 1, 2**15 - 1, False, dt.date(2000, 1, 1), dt.datetime(2000, 1, 1, tzinfo=UTC), "", ""),
    (0, 0, 0, False, dt.date(1899, 3, 1), dt.datetime(2024, 2, 29, 12, 0, 0, 1, UTC), "a,b\n\"c\"", "\\N\t"),
    (None, None, None, None, None, None, None, None),
    (7, None, 3, None, dt.date(2026, 11, 27), None, "x" * 64, None),
]  # fmt: skip


@ON_POSTGRESQL
@pytest.mark.django_db
def test_postgresql_stores_every_type_at_its_edges_and_nulls_as_nulls():
    assert stored(frame(EDGES)) == EDGES


@ON_POSTGRESQL
@pytest.mark.django_db
def test_an_empty_frame_is_a_copy_of_no_rows():
    assert stored(frame([])) == []


def test_an_empty_frame_is_the_signature_and_the_trailer():
    pieces = [bytes(piece) for piece in binary_copy_pieces(frame([]).iter_slices(2), types=["bigint"] * 8)]
    assert pieces == [HEADER, TRAILER]


def test_rows_come_in_pieces_between_the_signature_and_the_trailer():
    data = frame([EDGES[0]] * 5)
    pieces = list(binary_copy_pieces(data.iter_slices(2), types=[t for t, _ in COLUMNS.values()]))
    assert (len(pieces), bytes(pieces[0]), bytes(pieces[-1])) == (5, HEADER, TRAILER)


def test_an_empty_piece_adds_nothing():
    pieces = [
        bytes(piece)
        for piece in binary_copy_pieces([frame([]), frame(EDGES[:1])], types=[t for t, _ in COLUMNS.values()])
    ]
    assert pieces[:1] + pieces[2:] == [HEADER, TRAILER]


def test_making_the_data_loads_no_pandas():
    """Arrow converts Python and NumPy values through pandas where it is installed: 0.2 s the first time."""
    probe = (
        "import sys, polars as pl\n"
        "from worldclass.core.binary_copy import binary_copy_pieces\n"
        "data = pl.DataFrame({'n': [1, None], 't': ['a', None]})\n"
        "list(binary_copy_pieces([data], types=['bigint', 'text']))\n"
        "print('pandas' in sys.modules)\n"
    )
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout == "False\n"


def test_a_value_out_of_its_columns_range_is_refused_not_wrapped():
    data = pl.DataFrame({"small": [1, 40_000]})
    with pytest.raises(pl.exceptions.InvalidOperationError):
        list(binary_copy_pieces([data], types=["smallint"]))


# Days and microseconds after 1970 (Polars' count) at the edges of PostgreSQL's dates and timestamps.
FIRST_DAY, DAY_PAST_THE_END = -2_440_588, 2_145_042_906
FIRST_INSTANT = -210_866_803_200_000_000


def edge(value: int, db_type: str) -> pl.DataFrame:
    physical, logical = {"date": (pl.Int32, pl.Date), "timestamp with time zone": (pl.Int64, pl.Datetime("us", "UTC"))}[
        db_type
    ]
    return pl.DataFrame({"v": pl.Series([value], dtype=physical).cast(logical)})


def stored_text(data: pl.DataFrame, db_type: str) -> str:
    """What PostgreSQL stores of a one-value frame, as its text."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE edge (v {db_type})")
        with cursor.copy("COPY edge (v) FROM STDIN (FORMAT binary)") as copy:
            for piece in binary_copy_pieces([data], types=[db_type]):
                copy.write(piece)
        cursor.execute("SELECT v::text FROM edge")
        text = cursor.fetchone()[0]
        cursor.execute("DROP TABLE edge")
    return text


@ON_POSTGRESQL
@pytest.mark.django_db
def test_postgresqls_first_date_and_instant_are_stored():
    assert (
        stored_text(edge(FIRST_DAY, "date"), "date"),
        stored_text(edge(FIRST_INSTANT, "timestamp with time zone"), "timestamptz"),
    ) == (
        "4714-11-24 BC",
        "4714-11-24 00:00:00+00 BC",
    )


@pytest.mark.parametrize(
    ("value", "db_type", "what"),
    [
        (FIRST_DAY - 1, "date", "date"),
        (DAY_PAST_THE_END, "date", "date"),
        # The value PostgreSQL reads as -infinity once moved to its epoch.
        (-(2**31) + 10_957, "date", "date"),
        (FIRST_INSTANT - 1, "timestamp with time zone", "date and time"),
        (-(2**63) + 10_957 * 86_400_000_000, "timestamp with time zone", "date and time"),
    ],
)
def test_a_date_or_instant_postgresql_cannot_hold_is_refused_not_stored_as_infinity(value, db_type, what):
    with pytest.raises(ValueError, match=f"column v: a {what} outside PostgreSQL's range"):
        list(binary_copy_pieces([edge(value, db_type)], types=[db_type]))


def test_each_column_needs_a_type():
    with pytest.raises(ValueError, match="2 columns but 1 types"):
        list(binary_copy_pieces([pl.DataFrame({"a": [1], "b": [2]})], types=["bigint"]))


@pytest.mark.parametrize(
    ("db_type", "written_as"),
    [
        ("varchar(8)", "text"),
        ("text", "text"),
        ("bigint", "bigint"),
        ("timestamp with time zone", "timestamp with time zone"),
    ],
)
def test_django_column_types_are_written_as_their_binary_form(db_type, written_as):
    assert copy_type(db_type) == written_as


def test_a_type_without_a_binary_form_here_is_refused():
    with pytest.raises(ValueError, match="'numeric\\(5, 2\\)'"):
        copy_type("numeric(5, 2)")


def optional(strategy):
    return st.none() | strategy


ROWS = st.lists(
    st.tuples(
        optional(st.integers(-(2**63), 2**63 - 1)),
        optional(st.integers(-(2**31), 2**31 - 1)),
        optional(st.integers(-(2**15), 2**15 - 1)),
        optional(st.booleans()),
        optional(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
        optional(st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.just(UTC))),
        # PostgreSQL's text holds no NUL character.
        optional(st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=64)),
        optional(st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]))),
    ),
    max_size=12,
)


@ON_POSTGRESQL
@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, rows_per_piece=st.integers(1, 5))
def test_postgresql_stores_any_frame_as_it_is(rows, rows_per_piece):
    assert stored(frame(rows), rows_per_piece=rows_per_piece) == rows
