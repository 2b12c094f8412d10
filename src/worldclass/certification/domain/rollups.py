"""Monthly rollups: per survey window, level, entity and call month, the counts certification reads.

Every count is computed by one set-based SQL statement over the surveys table, so the same code serves an imported
batch of millions and a full rebuild. A single live survey adds its 12 rows (3 windows x 4 levels) from the survey
in hand, counted by the same rules in Python (`_COUNTED` holds each count's SQL, Python and Polars side by side;
the window rule is `surveys.domain.eligibility.is_eligible`, which tests hold equal to the SQL): the statement over
the table cost more to plan than the answer's whole transaction. Both paths write with `INSERT … ON CONFLICT DO UPDATE`,
which adds to existing rows atomically, so concurrent writers never lose or double an increment; a batch of months
with no rollups yet is first tried as plain inserts (`add_batch_to_rollups`).

On PostgreSQL an import is also counted while its file is read: each chunk of valid rows is grouped in Polars
(`BatchTally`, the rules a third time, as Polars expressions held equal to the others by tests), and when every
valid row became a survey of months not counted yet, the rows are written with one `COPY`, where the statement
over the new surveys spent most of its time reading and grouping them again on one core.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Sum
from django_scopes import scopes_disabled

from worldclass.certification.models import Edition, Level, MonthlyRollup, SurveyWindow
from worldclass.core.database import is_unique_violation

if TYPE_CHECKING:
    import polars as pl

    from worldclass.directory.domain import RosterIds

COUNTS = ["eligible", "ineligible", "world_class", "fcr", "resolved", "overall_top_box", "csr_top_box"]
LEVEL_ENTITY = {
    "csr": "csr_id",
    "supervisor": "supervisor_id",
    "site": "site_id",
    "organization": "organization_id",
}

# What an eligible survey counts for: as SQL over a survey row `s`, as Python over a SurveyResponse, and as a
# Polars expression over an import's valid rows (the surveys' stage columns), given `pl` and the file's scale maximum.
_COUNTED = {
    "world_class": ("s.is_world_class_call", lambda s: s.is_world_class_call, lambda pl, top: pl.col("is_wcc")),
    "fcr": ("s.is_fcr", lambda s: s.is_fcr, lambda pl, top: pl.col("is_fcr")),
    "resolved": ("s.resolved", lambda s: s.resolved, lambda pl, top: pl.col("resolved")),
    "overall_top_box": (
        "s.overall_sat = s.rating_scale_max",
        lambda s: s.overall_sat == s.rating_scale_max,
        lambda pl, top: pl.col("overall_sat") == top,
    ),
    "csr_top_box": (
        "s.csr_sat = s.rating_scale_max",
        lambda s: s.csr_sat == s.rating_scale_max,
        lambda pl, top: pl.col("csr_sat") == top,
    ),
}


def _opens_after_seconds(window: SurveyWindow) -> int:
    """How long after the call the window opens: a survey taken sooner is "too soon" (a business-day window opens
    at the call). An integer read from the window row, so it can be written into SQL."""
    return int(window.min_minutes) * 60 if window.kind == SurveyWindow.Kind.MINUTES else 0


def _eligible_sql(window: SurveyWindow) -> str:
    """The window's rule as SQL over a survey row; the bounds are integers read from the window row."""
    low = _opens_after_seconds(window)
    if window.kind == SurveyWindow.Kind.MINUTES:
        return f"s.delay_seconds >= {low} AND s.delay_seconds <= {int(window.max_minutes) * 60}"
    return f"s.delay_seconds >= {low} AND s.business_days_after_call <= {int(window.business_days)}"


def _eligible_expression(window: SurveyWindow) -> pl.Expr:
    """The window's rule as a Polars expression over an import's valid rows (`_eligible_sql`'s twin)."""
    import polars as pl  # `certify` starts without Polars (test_certify_startup.py)

    delay = pl.col("delay_seconds")
    opens = delay >= _opens_after_seconds(window)
    if window.kind == SurveyWindow.Kind.MINUTES:
        return opens & (delay <= int(window.max_minutes) * 60)
    return opens & (pl.col("business_days") <= int(window.business_days))


def _fine_sql(windows: list[SurveyWindow], where: str) -> str:
    """The one rule, in one pass over the surveys: per (organization, site, supervisor, CSR, month), the surveys
    and, per window, the eligible ones and what they count for. Integer sums: PostgreSQL sums bigints as numeric,
    which made every level's sums several times slower."""
    columns = []
    for w in windows:
        eligible = _eligible_sql(w)
        columns.append(f"CAST(SUM(CASE WHEN {eligible} THEN 1 ELSE 0 END) AS integer) AS eligible_{w.id}")
        for name, (condition, _test, _expression) in _COUNTED.items():
            columns.append(
                f"CAST(SUM(CASE WHEN {eligible} AND {condition} THEN 1 ELSE 0 END) AS integer) AS {name}_{w.id}"
            )
    return (
        "SELECT s.organization_id, s.site_id, s.supervisor_id, s.csr_id, s.call_month, "
        "CAST(COUNT(*) AS integer) AS surveys, " + ", ".join(columns) + " "
        f"FROM surveys_surveyresponse s WHERE {where} "
        "GROUP BY s.organization_id, s.site_id, s.supervisor_id, s.csr_id, s.call_month"
    )


def _levels_sql(windows: list[SurveyWindow]) -> str:
    """Per level, entity and month (with its organization), every window's counts summed from `fine`."""
    columns = ["surveys"] + [f"{name}_{w.id}" for w in windows for name in ("eligible", *_COUNTED)]
    sums = ", ".join(f"CAST(SUM({c}) AS integer) AS {c}" for c in columns)
    if connection.vendor != "postgresql":
        return " UNION ALL ".join(
            f"SELECT organization_id, '{level}' AS level, {column} AS entity_id, call_month, {sums} "
            f"FROM fine GROUP BY organization_id, {column}, call_month"
            for level, column in LEVEL_ENTITY.items()
        )
    # PostgreSQL: the four levels in one pass over `fine`. A column a row is not grouped by is null and its bit
    # in GROUPING(csr_id, supervisor_id, site_id) is set, which names the level.
    sets = [f"(organization_id, {column}, call_month)" for column in LEVEL_ENTITY.values()]
    grouping = {"csr": 3, "supervisor": 5, "site": 6, "organization": 7}
    label = " ".join(f"WHEN {grouping[level]} THEN '{level}'" for level in LEVEL_ENTITY)
    return (
        f"SELECT organization_id, CASE GROUPING(csr_id, supervisor_id, site_id) {label} END AS level, "
        f"COALESCE(csr_id, supervisor_id, site_id, organization_id) AS entity_id, call_month, {sums} "
        f"FROM fine GROUP BY GROUPING SETS ({', '.join(sets)})"
    )


def _rollup_parts(windows: list[SurveyWindow], where: str) -> tuple[str, str]:
    """The surveys matching `where` grouped once (`fine`), then per level (`levels`), then one row per window.
    Returns the WITH clause and the query of the rollup rows (window_id, organization_id, level, entity_id,
    call_month, *COUNTS) reading it."""
    ctes = f"WITH fine AS ({_fine_sql(windows, where)}), levels AS ({_levels_sql(windows)})"
    if connection.vendor != "postgresql":
        return ctes, " UNION ALL ".join(
            f"SELECT {w.id} AS window_id, organization_id, level, entity_id, call_month, "
            f"eligible_{w.id} AS eligible, surveys - eligible_{w.id} AS ineligible, "
            + ", ".join(f"{name}_{w.id} AS {name}" for name in _COUNTED)
            + " FROM levels"
            for w in windows
        )
    # PostgreSQL: each level row unpivoted into its windows' rows. Sorting the level rows (a third as many) and
    # adding the windows in order leaves only a window's few rows per entity-month to sort (an incremental sort).
    values = ", ".join(
        f"({w.id}, eligible_{w.id}, surveys - eligible_{w.id}, " + ", ".join(f"{n}_{w.id}" for n in _COUNTED) + ")"
        for w in windows
    )
    return ctes, (
        "SELECT w.window_id, l.organization_id, l.level, l.entity_id, l.call_month, "
        + ", ".join(f"w.{c}" for c in COUNTS)
        + f' FROM (SELECT * FROM levels ORDER BY level COLLATE "C", entity_id, call_month) l '
        f"CROSS JOIN LATERAL (VALUES {values}) AS w(window_id, {', '.join(COUNTS)})"
    )


# The rows' total order on PostgreSQL, which every writer shares (bytewise on the level: the database collation is
# slow to compare and not needed for an order).
_LOCK_ORDER = 'ORDER BY level COLLATE "C", entity_id, call_month, window_id'


_INSERT = (
    "INSERT INTO certification_monthlyrollup (window_id, organization_id, level, entity_id, month, "
    + ", ".join(COUNTS)
    + ") "
)
_ADD_ON_CONFLICT = "ON CONFLICT (window_id, level, entity_id, month) DO UPDATE SET " + ", ".join(
    f"{c} = certification_monthlyrollup.{c} + excluded.{c}" for c in COUNTS
)


def _rollup_sql(windows: list[SurveyWindow], where: str, *, all_new: bool = False) -> str:
    """The rollups of the surveys matching `where`, added to the stored rollups; with `all_new`, inserted as new
    rows (a row already stored is then a unique violation).

    On PostgreSQL the rows come in one total order every writer shares (level bytewise, entity, month, window),
    so concurrent writers lock the rollups they share in the same order and cannot deadlock; SQLite has one
    writer at a time."""
    ctes, rows = _rollup_parts(windows, where)
    columns = ", ".join(COUNTS)
    return (
        f"{ctes} {_INSERT}"
        f"SELECT window_id, organization_id, level, entity_id, call_month, {columns} FROM ({rows}) r "
        # SQLite: without WHERE, ON CONFLICT would parse as a join constraint.
        f"WHERE true {_LOCK_ORDER if connection.vendor == 'postgresql' else ''} {'' if all_new else _ADD_ON_CONFLICT}"
    )


def _write(sql: str, params: list) -> int:
    """Run one rollup statement; returns the rows it wrote."""
    # No savepoint: a rollup that cannot be written undoes the surveys it counts (all or nothing).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


# A batch's surveys, found through the id range that holds them (the surveys have no index on their batch).
_BATCH_WHERE = "s.id BETWEEN %s AND %s AND s.import_batch_id = %s"


def add_batch_to_rollups(
    *,
    import_batch_id: int,
    survey_pks: tuple[int, int],
    tally: BatchTally | None = None,
    roster: RosterIds | None = None,
) -> int:
    """Add the surveys of one import batch, whose ids lie in `survey_pks` (inclusive), to every window's rollups;
    returns the rollup rows touched. `tally`, when given, counted exactly the batch's surveys as the file was read,
    and `roster` (the import's `directory.domain.RosterIds`) names the ids of their codes."""
    params = [*survey_pks, import_batch_id]
    windows = windows_by_id()
    if not windows:
        return 0
    if tally is not None and (roster is None or not tally.counted_under(windows, exactly=True)):
        tally = None  # a window added or changed while the file was read: count the batch from its surveys
    months = tally.organization_months(roster) if tally is not None else None
    if connection.vendor == "postgresql" and not _batch_months_have_rollups(
        windows=windows, params=params, months=months
    ):
        # A batch of months not counted yet (a month's file, the usual case) writes only new rows: without ON
        # CONFLICT's speculative insertion, a third less time at a million surveys (docs/performance.md).
        rows = tally.rollup_rows(roster) if months is not None else None
        try:
            with transaction.atomic():
                if rows is not None:
                    return _copy_rows(rows)
                return _write(_rollup_sql(windows, _BATCH_WHERE, all_new=True), params)
        except IntegrityError as error:
            # A live answer stored meanwhile counted in one of these months: add to its rows instead.
            if not is_unique_violation(error):
                raise
    return _write(_rollup_sql(windows, _BATCH_WHERE), params)


def _batch_months_have_rollups(
    *, windows: list[SurveyWindow], params: list, months: tuple[list[int], list[dt.date]] | None = None
) -> bool:
    """Whether any organization and month of the batch is counted already. Every counted survey has its
    organization's row in every window, so the first window's organization rows tell; the batch's organization
    months are its tally's (`months`: organization ids and months, side by side) if it has one, else its surveys'."""
    if months is not None:
        batch_months = "SELECT * FROM unnest(%s::bigint[], %s::date[])"
        batch_params = list(months)
    else:
        batch_months = (
            f"SELECT DISTINCT s.organization_id, s.call_month FROM surveys_surveyresponse s WHERE {_BATCH_WHERE}"
        )
        batch_params = params
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM certification_monthlyrollup r "
            f"WHERE r.window_id = %s AND r.level = 'organization' AND (r.entity_id, r.month) IN ({batch_months}))",
            [windows[0].id, *batch_params],
        )
        return bool(cursor.fetchone()[0])


def _copy_rows(rows: TalliedRows) -> int:
    """Write a batch's new rollup rows with one COPY, in the lock order; returns the rows written."""
    from worldclass.core.binary_copy import binary_copy_pieces  # `certify` starts without Polars and Arrow

    types = [MonthlyRollup._meta.get_field(column).db_type(connection) for column in _ROW_COLUMNS]
    sql = f"COPY certification_monthlyrollup ({', '.join(_ROW_COLUMNS)}) FROM STDIN (FORMAT binary)"
    written = 0

    def counted(pieces: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
        nonlocal written
        for piece in pieces:
            written += piece.height
            yield piece

    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.copy(sql) as copy:
        for piece in binary_copy_pieces(counted(rows.pieces(_COPY_PIECE_ROWS)), types=types):
            copy.write(piece)
    return written


# Rows per piece of the rollups' binary COPY: the data is held one piece at a time, never all of it.
_COPY_PIECE_ROWS = 100_000
_ROW_COLUMNS = ["window_id", "organization_id", "level", "entity_id", "month", *COUNTS]
# A batch's rows, per (organization, site, supervisor, CSR, month): the key of the SQL's `fine`, by codes.
_TALLY_KEYS = ["org", "site", "supervisor", "csr", "call_month"]
# The same rows by roster ids, once the roster gave each code its id.
_RESOLVED_KEYS = ["organization_id", "site_id", "supervisor_id", "csr_id", "call_month"]
# Tally rows held in memory: past this many, the chunks' counts are summed, and written to disk if the sum is still
# more than half of it (a file's CSR-months, which grow with the file, are then not all held at once).
_SPILL_ROWS = 250_000
# A level's rollup rows are made about this many entity-months at a time, from a range of its entities' ids.
_BUCKET_ROWS = 500_000


def _summed(parts: list[pl.DataFrame], keys: list[str] = _TALLY_KEYS) -> pl.DataFrame:
    """Tally parts summed per key."""
    import polars as pl  # `certify` starts without Polars

    return pl.concat(parts).group_by(keys).agg(pl.exclude(keys).sum())


def _window_rule(window: SurveyWindow) -> tuple:
    """What a window counts by: a window whose rule changed is another window to a tally."""
    return (window.id, window.kind, window.min_minutes, window.max_minutes, window.business_days)


class _SpillDirectory:
    """A temporary directory for a tally's parts, removed when the import closes its tally (`BatchTally.close`), or
    else with the last object that holds it (the tally or the rows it resolved to), or when the process exits."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="worldclass-tally-"))
        self._files = 0
        self.remove = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)

    def write(self, frame: pl.DataFrame) -> Path:
        self._files += 1
        path = self.path / f"{self._files}.arrow"
        frame.write_ipc(path)
        return path


class BatchTally:
    """An import's rollups counted in Polars while its file is read, chunk by chunk (`add`): per organization,
    site, supervisor, CSR and month, the rows and each window's counts, as `_fine_sql` groups the surveys; and the
    figures of the eligibility report. It counts the file's valid rows, which are the batch's surveys only when
    each of them was inserted: the import hands it over only then.

    Its memory is bounded by `_SPILL_ROWS`, not by the file: the counts of a file's CSR-months (2M at 10M surveys,
    224 MB) go to disk in parts, and are read back a part at a time when they are resolved to roster ids. If the
    disk refuses them (full, or no temporary directory), the tally gives up its rows and the batch is counted from
    its surveys; its eligibility figures still hold."""

    def __init__(self, *, windows: list[SurveyWindow], scale_max: int) -> None:
        self.windows = windows
        self.rules = [_window_rule(w) for w in windows]
        self.scale_max = scale_max
        self.parts: list[pl.DataFrame] = []  # chunks' counts held in memory
        self.spilled: list[Path] = []  # and those written to disk, each summed per key
        self._spill: _SpillDirectory | None = None
        self.gave_up = False  # the disk refused the counts: `rollup_rows` is None
        self.org_months: set[tuple[str, dt.date]] = set()
        self.report = [0] * (2 + 2 * len(windows))  # as `batch_eligibility` counts: see `_report_columns`
        self._rows: tuple[RosterIds, TalliedRows | None] | None = None  # `rollup_rows`, with the ids they used

    def add(self, frame: pl.DataFrame) -> None:
        """Count one chunk of valid rows (the surveys' stage columns)."""
        import polars as pl  # `certify` starts without Polars

        if frame.height == 0:
            return
        self._rows = None
        columns = [pl.len().alias("surveys")]
        for window in self.windows:
            eligible = _eligible_expression(window)
            columns.append(eligible.sum().alias(f"eligible_{window.id}"))
            for name, (_condition, _test, expression) in _COUNTED.items():
                counted = eligible & expression(pl, self.scale_max)
                columns.append(counted.sum().alias(f"{name}_{window.id}"))
        if not self.gave_up:
            counted = frame.group_by(_TALLY_KEYS).agg(columns)
            self.org_months.update(counted.select("org", "call_month").unique().iter_rows())
            self.parts.append(counted)
            if sum(part.height for part in self.parts) > _SPILL_ROWS:
                # A CSR-month spans chunks (a file in call order names most CSRs in every chunk): summing may be enough.
                summed = _summed(self.parts)
                self.parts = [summed]
                if summed.height > _SPILL_ROWS // 2:
                    try:
                        self._spill = self._spill or _SpillDirectory()
                        self.spilled.append(self._spill.write(summed))
                    except OSError:
                        self._give_up()
                    self.parts = []
        figures = frame.select(_report_columns(self.windows)).row(0)
        self.report = [total + int(value or 0) for total, value in zip(self.report, figures, strict=True)]

    def _give_up(self) -> None:
        """Drop the counts: the disk refused them, and the statement over the batch's surveys counts them instead."""
        self.gave_up = True
        self.parts, self.spilled = [], []
        self.close()

    def close(self) -> None:
        """Remove the tally's files now: the import is done with it (its rows written, or the file read again)."""
        if self._spill is not None:
            self._spill.remove()

    def counted_under(self, windows: list[SurveyWindow], *, exactly: bool = False) -> bool:
        """Whether the tally counted under each of `windows` by its rule as it is now (the rules were read when the
        file was opened); `exactly`: under those windows and no other."""
        rules = [_window_rule(w) for w in windows]
        if exactly:
            return sorted(rules) == sorted(self.rules)
        return set(rules) <= set(self.rules)

    def organization_months(self, roster: RosterIds) -> tuple[list[int], list[dt.date]] | None:
        """The batch's organization ids and call months, side by side; None if an organization has no id."""
        if not self.org_months or self.gave_up:
            return None
        pairs = sorted(self.org_months)
        if any(org not in roster.organizations for org, _month in pairs):
            return None
        return [roster.organizations[org] for org, _month in pairs], [month for _org, month in pairs]

    def eligibility_figures(self) -> tuple[int, int, dict[int, tuple[int, int]]]:
        """The batch's surveys, those taken at the call's very time, and per window id (eligible, too soon)."""
        surveys, instant, *per_window = self.report
        pairs = {w.id: (per_window[2 * i], per_window[2 * i + 1]) for i, w in enumerate(self.windows)}
        return surveys, instant, pairs

    def rollup_rows(self, roster: RosterIds) -> TalliedRows | None:
        """The rollup rows of the batch, ids from `roster`; None when a code has no id there (the batch is then
        counted from its surveys). Kept until the next `add`: the import asks for them while its last surveys are
        copied, and has them again, for the same ids, when it writes the rollups."""
        if self._rows is None or self._rows[0] != roster:
            ids = type(roster)(dict(roster.organizations), dict(roster.sites), dict(roster.people))
            try:
                self._rows = (ids, self._resolved_rows(ids))
            except OSError:
                self._give_up()
                self._rows = (ids, None)
        return self._rows[1]

    def _resolved_rows(self, roster: RosterIds) -> TalliedRows | None:
        """The tally's parts by roster ids, one part at a time: those read from disk are written back resolved."""
        import polars as pl  # `certify` starts without Polars

        if not self.org_months or self.gave_up:
            return None
        organizations = pl.DataFrame(
            list(roster.organizations.items()), schema={"org": pl.String, "organization_id": pl.Int64}, orient="row"
        )
        sites = pl.DataFrame(
            [(org, code, pk) for (org, code), pk in roster.sites.items()],
            schema={"org": pl.String, "site": pl.String, "site_id": pl.Int64},
            orient="row",
        )
        people = pl.DataFrame(
            [(org, code, pk) for (org, code), pk in roster.people.items()],
            schema={"org": pl.String, "code": pl.String, "person_id": pl.Int64},
            orient="row",
        )
        resolved_parts: list[pl.DataFrame | Path] = []
        entity_months: dict[str, pl.DataFrame] = {}  # per level, each entity's months (summed over the parts)
        for part in [*self.spilled, *self.parts]:
            fine = pl.read_ipc(part) if isinstance(part, Path) else part
            resolved = (
                fine.join(organizations, on="org")
                .join(sites, on=["org", "site"])
                .join(people.rename({"code": "supervisor", "person_id": "supervisor_id"}), on=["org", "supervisor"])
                .join(people.rename({"code": "csr", "person_id": "csr_id"}), on=["org", "csr"])
                .select(*_RESOLVED_KEYS, pl.exclude(*_TALLY_KEYS, *_RESOLVED_KEYS))
            )
            if resolved.height != fine.height:
                return None
            for level, column in LEVEL_ENTITY.items():
                # An upper bound of each entity's rows (an entity-month in two parts is counted twice).
                months = resolved.group_by(column).agg(pl.col("call_month").n_unique().alias("months"))
                earlier = [entity_months[level]] if level in entity_months else []
                entity_months[level] = _summed([*earlier, months], [column])
            resolved_parts.append(self._spill.write(resolved) if isinstance(part, Path) else resolved)
        buckets = {level: _id_ranges(months, LEVEL_ENTITY[level]) for level, months in entity_months.items()}
        return TalliedRows(
            _LevelRows(resolved_parts, buckets=buckets, spill=self._spill), window_ids=[w.id for w in self.windows]
        )


def _id_ranges(entity_months: pl.DataFrame, column: str) -> list[tuple[int, int]]:
    """The entities' ids cut into ranges (first and last id) of about `_BUCKET_ROWS` entity-months each."""
    ranges: list[tuple[int, int]] = []
    first, rows = None, 0
    for entity_id, months in entity_months.sort(column).iter_rows():
        first = entity_id if first is None else first
        rows += months
        if rows >= _BUCKET_ROWS:
            ranges.append((first, entity_id))
            first, rows = None, 0
    if first is not None:
        ranges.append((first, entity_id))
    return ranges


class _LevelRows:
    """A resolved tally's rows per level, entity and month, with every window's counts side by side, in the lock
    order: each level in the lock order's order, then each range of its entities' ids, summed from every part and
    sorted. Iterable again: the rows are made as they are asked for, a range at a time."""

    def __init__(
        self,
        parts: list[pl.DataFrame | Path],
        *,
        buckets: dict[str, list[tuple[int, int]]],
        spill: _SpillDirectory | None,
    ) -> None:
        self.parts, self.buckets, self._spill = parts, buckets, spill

    def __iter__(self) -> Iterator[pl.DataFrame]:
        import polars as pl  # `certify` starts without Polars

        # The levels in the lock order's: its COLLATE "C" compares these ASCII names as Python does.
        for level in sorted(LEVEL_ENTITY):
            column = LEVEL_ENTITY[level]
            keys = list(dict.fromkeys(["organization_id", column, "call_month"]))
            for first, last in self.buckets[level]:
                in_range = pl.col(column).is_between(first, last)
                counts = pl.exclude(*_RESOLVED_KEYS)
                rows = [
                    (pl.scan_ipc(part) if isinstance(part, Path) else part.lazy())
                    .filter(in_range)
                    .group_by(keys)
                    .agg(counts.sum())
                    for part in self.parts
                ]
                yield (
                    pl.concat(rows)
                    .group_by(keys)
                    .agg(counts.sum())
                    .sort(column, "call_month")
                    .select(
                        "organization_id",
                        pl.lit(level).alias("level"),
                        pl.col(column).alias("entity_id"),
                        pl.col("call_month").alias("month"),
                        counts,
                    )
                    .collect()
                )


class TalliedRows:
    """A batch's new rollup rows as its tally gives them: frames of one row per level, entity and month, with each
    window's counts side by side (`BatchTally.add`'s columns), in the writers' lock order (`_LOCK_ORDER`). A window's
    rows are made only as their piece is copied: all 6.7M rows of 10M surveys, and their sorted copy, took 760 MB."""

    def __init__(self, entity_months: Iterable[pl.DataFrame], *, window_ids: list[int]) -> None:
        self.entity_months, self.window_ids = entity_months, sorted(window_ids)

    def pieces(self, rows: int) -> Iterator[pl.DataFrame]:
        """The rows in `_ROW_COLUMNS` and in the lock order (level, entity, month, then window), about `rows` at a
        time."""
        import polars as pl  # `certify` starts without Polars

        windows = len(self.window_ids)
        for frame in self.entity_months:
            for part in frame.iter_slices(max(1, rows // windows)):
                stacked = pl.concat(
                    [
                        part.select(
                            pl.lit(window_id, dtype=pl.Int64).alias("window_id"),
                            "organization_id",
                            "level",
                            "entity_id",
                            "month",
                            pl.col(f"eligible_{window_id}").alias("eligible"),
                            (pl.col("surveys") - pl.col(f"eligible_{window_id}")).alias("ineligible"),
                            *[pl.col(f"{name}_{window_id}").alias(name) for name in _COUNTED],
                        )
                        for window_id in self.window_ids
                    ]
                )
                # Stacked window by window: row i of window w is at w * height + i; taken entity-month by
                # entity-month.
                order = pl.int_range(stacked.height, eager=True)
                yield stacked[(order % windows) * part.height + order // windows]


def _report_columns(windows: list[SurveyWindow]) -> list[pl.Expr]:
    """The eligibility report's figures of a chunk: its rows, those at delay 0, and per window, the eligible and
    those taken before the window opens (`batch_eligibility`'s SQL, as Polars)."""
    import polars as pl  # `certify` starts without Polars

    delay = pl.col("delay_seconds")
    columns = [pl.len().alias("surveys"), (delay == 0).sum().alias("instant")]
    for window in windows:
        columns.append(_eligible_expression(window).sum().alias(f"eligible_{window.id}"))
        columns.append((delay < _opens_after_seconds(window)).sum().alias(f"too_soon_{window.id}"))
    return columns


def windows_by_id() -> list[SurveyWindow]:
    """Every survey window in id order, the order of the rollup statements' columns."""
    # Sorted here, not by the database: a live answer reads them, and Django compiles an ORDER BY at a cost of its
    # own (docs/performance.md).
    return sorted(SurveyWindow.objects.order_by(), key=attrgetter("id"))


def start_batch_tally(*, scale_max: int) -> BatchTally | None:
    """A tally for an import about to read its file, on PostgreSQL, when there are windows to count. SQLite keeps
    its one statement over the new surveys: its imports were not measured with a tally."""
    if connection.vendor != "postgresql":
        return None
    windows = windows_by_id()
    return BatchTally(windows=windows, scale_max=scale_max) if windows else None


def survey_window_counts(*, survey, windows: list[SurveyWindow]) -> list[tuple[int, ...]]:
    """What one survey adds under each window, (window_id, *COUNTS), by the rules of the set-based statement."""
    # The eligibility module brings numpy and holidays, which `certify` starts without (test_certify_startup.py).
    from worldclass.surveys.domain.eligibility import is_eligible

    counted = [int(test(survey)) for _condition, test, _expression in _COUNTED.values()]
    rows = []
    for window in windows:
        eligible = is_eligible(
            window=window,
            delay_seconds=survey.delay_seconds,
            business_days_after_call=survey.business_days_after_call,
        )
        rows.append((window.id, 1, 0, *counted) if eligible else (window.id, 0, 1, *[0] * len(counted)))
    return rows


_LIVE_LOCK_ORDER = 'ORDER BY l.level COLLATE "C", l.entity_id, w.window_id'


def _survey_rollup_sql(windows: int) -> str:
    """Adds one survey's counts per window (`w`) to its four levels' rows (`l`): 12 rows for 3 windows, with
    few enough parameters (30) that psycopg keeps the statement's parsed form."""
    counts = ", ".join(COUNTS)
    row = "(" + ", ".join(["%s"] * (1 + len(COUNTS))) + ")"
    levels = ", ".join(f"('{level}', %s)" for level in LEVEL_ENTITY)
    return (
        f"WITH w (window_id, {counts}) AS (VALUES {', '.join([row] * windows)}), "
        f"l (level, entity_id) AS (VALUES {levels}) "
        f"{_INSERT}SELECT w.window_id, %s, l.level, l.entity_id, %s, {counts} FROM w CROSS JOIN l "
        # The batch statement's row-lock order (_LOCK_ORDER; one month), so a live answer and an import cannot
        # deadlock; SQLite has one writer at a time.
        f"WHERE true {_LIVE_LOCK_ORDER if connection.vendor == 'postgresql' else ''} {_ADD_ON_CONFLICT}"
    )


def add_survey_to_rollups(*, survey) -> None:
    """Add one just-inserted survey to every window's rollups. Call in the transaction that inserted it."""
    windows = windows_by_id()
    if not windows:
        return
    per_window = survey_window_counts(survey=survey, windows=windows)
    params = [value for row in per_window for value in row]
    params += [getattr(survey, column) for column in LEVEL_ENTITY.values()]
    params += [survey.organization_id, connection.ops.adapt_datefield_value(survey.call_month)]
    _write(_survey_rollup_sql(len(windows)), params)


def rebuild_rollups(*, window: SurveyWindow | None = None) -> int:
    """Recompute the rollups of one window (or of all) from the raw surveys; returns the rollup rows written."""
    # Rollups span every organization: this is certifier back-office work across tenants.
    with transaction.atomic(), scopes_disabled():
        windows = SurveyWindow.objects.select_for_update().order_by("id")
        if window is not None:
            windows = windows.filter(pk=window.pk)
        windows = list(windows)
        if not windows:
            return 0
        window_ids = [w.id for w in windows]
        MonthlyRollup.objects.filter(window_id__in=window_ids).delete()
        _write(_rollup_sql(windows, "true"), [])
        return MonthlyRollup.objects.filter(window_id__in=window_ids).count()


@dataclass(frozen=True)
class WindowEligibility:
    """How many surveys of one import batch count under a survey window that editions use, and if few do, why."""

    window: str
    description: str
    description_fr: str
    editions: list[int]
    surveys: int
    eligible: int
    cause: dict | None  # why few count, for the import report to word: `code` and the figures it names

    def as_dict(self) -> dict:
        return asdict(self)


def batch_eligibility(
    *, import_batch_id: int, survey_pks: tuple[int, int], tally: BatchTally | None = None
) -> list[WindowEligibility]:
    """Per survey window of the editions, the batch's eligible surveys (the rollups' own rule), with the likely
    cause when fewer than half are eligible; counted by `tally` when it has every such window."""
    windows: dict[int, SurveyWindow] = {}
    editions: dict[int, list[int]] = {}
    for edition in Edition.objects.select_related("survey_window").order_by("year"):
        windows[edition.survey_window_id] = edition.survey_window
        editions.setdefault(edition.survey_window_id, []).append(edition.year)
    if not windows:
        return []
    if tally is not None and tally.counted_under(list(windows.values())):
        surveys, instant, per_window = tally.eligibility_figures()
        counts = [value for window_id in windows for value in per_window[window_id]]
    else:
        surveys, instant, counts = _batch_eligibility_figures(
            windows=list(windows.values()), params=[*survey_pks, import_batch_id]
        )
    results = []
    for index, (window_id, window) in enumerate(windows.items()):
        eligible, too_soon = counts[2 * index], counts[2 * index + 1]
        cause = None
        if surveys and eligible * 2 < surveys:
            cause = _likely_cause(window, surveys=surveys, instant=instant, too_soon=too_soon, eligible=eligible)
        results.append(
            WindowEligibility(
                window=window.code,
                description=window.description,
                description_fr=window.description_fr,
                editions=editions[window_id],
                surveys=surveys,
                eligible=eligible,
                cause=cause,
            )
        )
    return results


def _batch_eligibility_figures(*, windows: list[SurveyWindow], params: list) -> tuple[int, int, list[int]]:
    """One pass over the batch's surveys for every window: the surveys, those at delay 0, and per window its
    eligible surveys and those taken too soon (`_report_columns` in Polars)."""
    per_window = ", ".join(
        f"SUM(CASE WHEN {_eligible_sql(window)} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN s.delay_seconds < {_opens_after_seconds(window)} THEN 1 ELSE 0 END)"
        for window in windows
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN s.delay_seconds = 0 THEN 1 ELSE 0 END), {per_window} "
            f"FROM surveys_surveyresponse s WHERE {_BATCH_WHERE}",
            params,
        )
        surveys, instant, *counts = (int(value or 0) for value in cursor.fetchone())
    return surveys, instant, counts


def _likely_cause(window: SurveyWindow, *, surveys: int, instant: int, too_soon: int, eligible: int) -> dict:
    """Why few surveys count: every survey time equals its call time, or most came too soon or too late; the
    import report words it (`surveys.domain.reports`) in its reader's language."""
    if instant == surveys:
        return {"code": "no_survey_time"}
    if window.kind == SurveyWindow.Kind.MINUTES:
        if too_soon * 2 >= surveys:
            return {"code": "too_soon", "surveys": too_soon, "minutes": window.min_minutes}
        return {"code": "too_late_minutes", "surveys": surveys - eligible - too_soon, "minutes": window.max_minutes}
    return {"code": "too_late_business_days", "surveys": surveys - eligible, "days": window.business_days}


def rollup_survey_total(*, window_id: int) -> int:
    """How many surveys the rollups count: the organization-level rows of one window, read through the unique key's
    level (a few rows per organization, month and window, where counting the surveys reads every one)."""
    with scopes_disabled():
        totals = MonthlyRollup.objects.filter(window_id=window_id, level=Level.ORGANIZATION).aggregate(
            eligible=Sum("eligible"), ineligible=Sum("ineligible")
        )
    return (totals["eligible"] or 0) + (totals["ineligible"] or 0)


def last_rollup_id() -> int | None:
    """The largest rollup id: a rebuild writes its rows again, under new ids."""
    with scopes_disabled():
        return MonthlyRollup.objects.aggregate(last=Max("id"))["last"]


@dataclass(frozen=True)
class RollupDiscrepancy:
    """A stored rollup that differs from what the surveys give; `stored` or `recomputed` is None where it is missing."""

    window_id: int
    level: str
    entity_id: int
    month: dt.date
    stored: dict[str, int] | None
    recomputed: dict[str, int] | None


_KEY_MATCHES = (
    "m.window_id = e.window_id AND m.level = e.level AND m.entity_id = e.entity_id AND m.month = e.call_month"
)


def _discrepancies_sql(windows: list[SurveyWindow]) -> str:
    """Rows (window_id, level, entity_id, month, is stored, is recomputed, *stored COUNTS, *recomputed COUNTS) of
    the stored rollups that differ from the surveys' and of the surveys' rollups not stored."""
    stored = ", ".join(f"m.{c}" for c in COUNTS)
    ctes, rows = _rollup_parts(windows, "true")
    recomputed = ", ".join(f"e.{c}" for c in COUNTS)
    differs = " OR ".join(f"m.{c} <> e.{c}" for c in COUNTS)
    # A left join and an anti-join rather than a FULL JOIN, which SQLite has only since 3.39.
    return (
        f"{ctes}, expected AS ({rows}) "
        "SELECT * FROM ("
        f"SELECT m.window_id, m.level, m.entity_id, m.month, 1, CASE WHEN e.window_id IS NULL THEN 0 ELSE 1 END, "
        f"{stored}, {recomputed} "
        f"FROM certification_monthlyrollup m LEFT JOIN expected e ON {_KEY_MATCHES} "
        f"WHERE e.window_id IS NULL OR {differs} "
        "UNION ALL "
        f"SELECT e.window_id, e.level, e.entity_id, e.call_month, 0, 1, {', '.join('NULL' for _ in COUNTS)}, "
        f"{recomputed} FROM expected e "
        f"WHERE NOT EXISTS (SELECT 1 FROM certification_monthlyrollup m WHERE {_KEY_MATCHES})"
        ") d ORDER BY 2, 3, 4, 1"
    )


def rollup_discrepancies() -> Iterator[RollupDiscrepancy]:
    """Every stored rollup that differs from the rollups recomputed from the raw surveys, and every recomputed one
    not stored, compared in the database by one statement (one snapshot; holding every rollup in Python took
    800 MB at a million surveys), in the rollups' order."""
    with scopes_disabled():
        windows = windows_by_id()
    if not windows:
        return  # no survey counts, and no rollup can be stored: each must name its window (migration 0007)
    width = len(COUNTS)
    with connection.chunked_cursor() as cursor:
        cursor.execute(_discrepancies_sql(windows))
        while batch := cursor.fetchmany(1000):
            for window_id, level, entity_id, month, is_stored, is_recomputed, *counts in batch:
                yield RollupDiscrepancy(
                    window_id=window_id,
                    level=level,
                    entity_id=entity_id,
                    month=_as_date(month),
                    stored=dict(zip(COUNTS, map(int, counts[:width]), strict=True)) if is_stored else None,
                    recomputed=dict(zip(COUNTS, map(int, counts[width:]), strict=True)) if is_recomputed else None,
                )


def _as_date(value) -> dt.date:
    # SQLite hands the month back as text.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
