"""Reading a client's file: local times in a zone, and the delimiter found from the header."""

import csv
import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worldclass.core.errors import AppError
from worldclass.surveys.domain import sources
from worldclass.surveys.domain.mapping import FileOptions
from worldclass.surveys.domain.sources import chunk_sizes, open_tabular, with_local_instants
from worldclass.surveys.tests.exports import write_xlsx

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


CELL = st.text(alphabet=st.sampled_from(list('ab,"\n\r é;')), max_size=12)


@settings(max_examples=80, deadline=None)
@given(
    records=st.lists(st.tuples(CELL, CELL, CELL), min_size=0, max_size=30),
    chunk_rows=st.integers(min_value=1, max_value=8),
    first_chunk_rows=st.none() | st.integers(min_value=1, max_value=8),
    crlf=st.booleans(),
)
def test_a_csv_read_in_small_blocks_gives_every_record_once_in_order(
    tmp_path_factory, records, chunk_rows, first_chunk_rows, crlf
):
    # Quoted commas, quotes and newlines fall on every block boundary the tiny blocks (256 bytes a row) can make.
    path = tmp_path_factory.mktemp("blocks") / "records.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(["a", "b", "c"])
        writer.writerows(records)
    source = open_tabular(path, options=FileOptions(), name="records.csv")
    try:
        frames = list(
            source.batches([pl.col("a"), pl.col("b"), pl.col("c")], chunk_rows, first_chunk_rows=first_chunk_rows)
        )
    finally:
        source.close()
    read = [row for frame in frames for row in frame.rows()]
    whole = pl.read_csv(path, infer_schema=False, empty_string_is_null=False, row_index_name="row_index")
    # The same rows, indexed alike, as Polars reading the whole file at once.
    assert read == whole.rows()


def test_a_csv_is_read_a_bounded_block_at_a_time(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a,b\n" + "".join(f'{n},"x\ny{n}"\n' for n in range(1000)), encoding="utf-8")
    source = open_tabular(path, options=FileOptions(), name="long.csv")
    try:
        frames = list(source.batches([pl.col("a"), pl.col("b")], 10))
    finally:
        source.close()
    # Blocks of about 10 x 256 bytes, each record at least 9 bytes: never more than 285 records in a frame.
    heights = [frame.height for frame in frames]
    assert (len(heights) >= 4, max(heights) <= 285, sum(heights)) == (True, True, 1000)


def test_chunk_sizes_double_from_the_first_up_to_the_most():
    sizes = chunk_sizes(first=25, most=150)
    assert [next(sizes) for _ in range(6)] == [25, 50, 100, 150, 150, 150]


def test_a_first_chunk_larger_than_the_most_is_the_most():
    sizes = chunk_sizes(first=500, most=150)
    assert [next(sizes) for _ in range(2)] == [150, 150]


def test_a_csv_read_from_a_small_first_chunk_gives_growing_frames(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a\n" + "".join(f"{n}\n" for n in range(2000)), encoding="utf-8")
    source = open_tabular(path, options=FileOptions(), name="long.csv")
    try:
        heights = [frame.height for frame in source.batches([pl.col("a")], 8, first_chunk_rows=1)]
    finally:
        source.close()
    # Blocks of 256, 512, 1024, then 2048 bytes; the rows are 2 to 5 bytes long.
    assert (heights[0] < heights[1] < heights[2] < heights[3], sum(heights)) == (True, 2000)


def test_an_xlsx_sheet_read_from_a_small_first_chunk_gives_growing_frames(tmp_path):
    path = write_xlsx(tmp_path / "rows.xlsx", ["a"], [[n] for n in range(10)], sheet="Sheet")
    source = open_tabular(path, options=FileOptions(), name="rows.xlsx")
    try:
        frames = list(source.batches([pl.col("a")], 4, first_chunk_rows=1))
    finally:
        source.close()
    assert [frame["a"].to_list() for frame in frames] == [["0"], ["1", "2"], ["3", "4", "5", "6"], ["7", "8", "9"]]


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.text(alphabet="ab,\r", max_size=12), min_size=1, max_size=40),
    at=st.integers(min_value=0),
    block=st.integers(min_value=1, max_value=32),
)
def test_a_nul_byte_is_named_by_its_line_whatever_blocks_the_file_is_read_in(tmp_path_factory, lines, at, block):
    text = "\n".join(["survey_id,comment", *lines]).encode()
    position = at % (len(text) + 1)
    path = tmp_path_factory.mktemp("nul") / "with-nul.csv"
    path.write_bytes(text[:position] + b"\x00" + text[position:])
    original, sources.BLOCK = sources.BLOCK, block
    try:
        with pytest.raises(AppError) as caught:
            open_tabular(path, options=FileOptions(), name="with-nul.csv")
    finally:
        sources.BLOCK = original

    assert [detail.line for detail in caught.value.details] == [text[:position].count(b"\n") + 1]
