"""Polars frames as PostgreSQL's binary COPY data: the server stores each value as it comes, where CSV text costs it a
parse of every field. A million surveys into their table with its indexes took 8.1 to 8.6 s in binary against
11.0 to 11.6 s as CSV (docs/performance.md, eleventh session)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

# The format's signature, then its flags and header extension length, both zero; and the end of the data.
HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
TRAILER = b"\xff\xff"
# PostgreSQL counts dates and timestamps from 2000-01-01, Polars from 1970-01-01.
_EPOCH_DAYS = 10_957
_EPOCH_MICROSECONDS = _EPOCH_DAYS * 86_400_000_000
_NULL = (-1).to_bytes(4, "big", signed=True)
# PostgreSQL's dates, counted from its epoch: the first valid one and the first past the end; and its first valid
# instant, in microseconds (no Int64 count from 1970 reaches past its last). The values just outside are its
# -infinity and infinity, which a wrapped or unchecked value could otherwise become.
_DATE_RANGE = (-2_451_545, 2_145_031_949)
_FIRST_INSTANT = -211_813_488_000_000_000
_LONGEST_TEXT = 2**31 - 1


def _in_range(values: pl.Series, bounds: tuple[int, int], what: str) -> pl.Series:
    """`values` (Int64), refusing any outside `bounds` with the column's name."""
    low, end = bounds
    if values.null_count() < len(values) and (values.min() < low or values.max() >= end):
        raise ValueError(f"column {values.name}: a {what} outside PostgreSQL's range")
    return values


def _days(series: pl.Series) -> pl.Series:
    days = series.cast(pl.Date, strict=True).cast(pl.Int32).cast(pl.Int64) - _EPOCH_DAYS
    return _in_range(days, _DATE_RANGE, "date")


def _microseconds(series: pl.Series) -> pl.Series:
    # Checked before the epoch is moved, which could wrap at the far end of Int64.
    since_1970 = _in_range(series.dt.epoch("us"), (_FIRST_INSTANT + _EPOCH_MICROSECONDS, 2**63), "date and time")
    return since_1970 - _EPOCH_MICROSECONDS


# Each fixed-width type a writer copies: its value in network byte order, and the Polars expression that gives it.
_FIXED: dict[str, tuple[str, Callable[[pl.Series], pl.Series]]] = {
    "bigint": (">i8", lambda s: s.cast(pl.Int64, strict=True)),
    "integer": (">i4", lambda s: s.cast(pl.Int32, strict=True)),
    "smallint": (">i2", lambda s: s.cast(pl.Int16, strict=True)),
    "boolean": ("u1", lambda s: s.cast(pl.Boolean, strict=True).cast(pl.UInt8)),
    "date": (">i4", _days),
    # A datetime without a time zone is taken as UTC, as Django's connections read one.
    "timestamp with time zone": (">i8", _microseconds),
}


def copy_type(db_type: str) -> str:
    """The type a binary COPY writes for a column of this database type (Django's `Field.db_type`); refuses the
    others, whose binary forms the writers have no use for."""
    if db_type in _FIXED:
        return db_type
    if db_type == "timestamptz":
        return "timestamp with time zone"
    if db_type == "text" or db_type.startswith("varchar"):
        return "text"
    raise ValueError(f"no binary COPY form for the column type {db_type!r}")


def binary_copy_pieces(frames: Iterable[pl.DataFrame], *, types: Sequence[str]) -> Iterator[memoryview]:
    """Each of `frames` as one piece of the data of `COPY … FROM STDIN (FORMAT binary)`, with its columns in frame
    order: the signature comes first and the trailer last. A frame is asked for only when the piece before has been
    taken, so a writer can make each one as the server takes the one before (`DataFrame.iter_slices`, or a
    generator). `types` are the columns' database types (see `copy_type`). Every value is checked against its type
    here: an integer, a date or a time out of its column's range raises."""
    types = [copy_type(db_type) for db_type in types]
    yield memoryview(HEADER)
    for frame in frames:
        if frame.width != len(types):
            raise ValueError(f"{frame.width} columns but {len(types)} types")
        if frame.height:
            yield _rows(frame, types=types)
    yield memoryview(TRAILER)


def _rows(frame: pl.DataFrame, *, types: list[str]) -> memoryview:
    """One piece: each row's field count, then each field's length and bytes. Neighbouring fixed-width columns
    without nulls are laid out together as one NumPy record a row; the records and strings are joined row by row
    in Arrow."""
    segments = [_as_binary(np.full(frame.height, frame.width, dtype=">i2"))]
    run: list[tuple[pl.Series, str]] = []
    for series, db_type in zip(frame.get_columns(), types, strict=True):
        if db_type != "text" and series.null_count() == 0:
            run.append((series, db_type))
            continue
        if run:
            segments.append(_fixed_record(run))
            run = []
        segments.extend(_text_field(series) if db_type == "text" else [_nullable_fixed_field(series, db_type)])
    if run:
        segments.append(_fixed_record(run))
    joined = pc.binary_join_element_wise(*segments, _binary_scalar(b""))
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64, count=frame.height + 1, offset=joined.offset * 8)
    return memoryview(joined.buffers()[2])[offsets[0] : offsets[-1]]


def _fixed_record(run: list[tuple[pl.Series, str]]) -> pa.Array:
    """Fixed-width columns without nulls, each as its length and value, side by side in one record a row."""
    layout = []
    for index, (_series, db_type) in enumerate(run):
        layout += [(f"length{index}", ">i4"), (f"value{index}", _FIXED[db_type][0])]
    record = np.empty(len(run[0][0]), dtype=layout)
    for index, (series, db_type) in enumerate(run):
        width_type, value = _FIXED[db_type]
        record[f"length{index}"] = np.dtype(width_type).itemsize
        record[f"value{index}"] = value(series).to_numpy()
    return _as_binary(record)


def _nullable_fixed_field(series: pl.Series, db_type: str) -> pa.Array:
    """A fixed-width column with nulls: its length and value, or the null length alone."""
    width_type, value = _FIXED[db_type]
    record = np.empty(len(series), dtype=[("length", ">i4"), ("value", width_type)])
    record["length"] = np.dtype(width_type).itemsize
    record["value"] = value(series).fill_null(0).to_numpy()
    return pc.if_else(_arrow_mask(series), _binary_scalar(_NULL), _as_binary(record))


def _text_field(series: pl.Series) -> list[pa.Array]:
    """A text column: each value's length in bytes (the null length for a null), and its UTF-8 bytes."""
    text = series.cast(pl.String, strict=True)
    lengths = text.str.len_bytes().fill_null(0).to_numpy()
    if len(lengths) and lengths.max() > _LONGEST_TEXT:
        raise ValueError(f"column {series.name}: a text longer than a COPY field can hold")
    lengths = lengths.astype(">i4")
    if series.null_count():
        lengths[series.is_null().to_numpy()] = -1
    return [_as_binary(lengths), text.fill_null("").to_arrow().cast(pa.large_binary())]


def _as_binary(values: np.ndarray) -> pa.Array:
    """Each element of a NumPy array as one binary value of its bytes."""
    width = values.dtype.itemsize
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), len(values), [None, pa.py_buffer(values)])
    return fixed.cast(pa.large_binary())


def _binary_scalar(value: bytes) -> pa.Scalar:
    """`value` as an Arrow binary scalar, built from its buffers: `pa.scalar` of a Python value would import pandas
    where it is installed (0.2 s, once)."""
    offsets = pa.py_buffer(np.array([0, len(value)], dtype=np.int64))
    return pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(value)])[0]


def _arrow_mask(series: pl.Series) -> pa.Array:
    # From Polars: `pa.array` of a NumPy array would import pandas where it is installed (0.2 s, once).
    return series.is_null().to_arrow()
