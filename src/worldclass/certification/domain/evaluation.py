"""Evaluate an edition's rules for every entity at once, from the monthly rollups only.

Each level (CSR, supervisor, site) becomes a dense entity x month matrix of eligible and qualifying counts. Cumulative
sums give every trailing window's counts in one subtraction per window length; the achievement scan walks the months
once, vectorized across entities. `domain.rules` states the same rules for one entity in plain Python, and the tests
prove with hypothesis that both agree.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django_scopes import scopes_disabled

from worldclass.certification.domain.rules import AT_LEAST, GREATER_THAN, basis_points
from worldclass.certification.models import Edition, Level, MonthlyRollup, SurveyWindow
from worldclass.core.errors import AppError, ErrorDetail
from worldclass.core.lazy import lazy_module
from worldclass.core.months import Month
from worldclass.core.stats import Z_95, wilson_bounds, wilson_interval, wilson_lower_bounds
from worldclass.directory.models import Organization, Person, Site

# Loaded on first use: a `certify` that finds its input unchanged never evaluates (core/lazy.py).
np = lazy_module("numpy")

PERSON_AND_SITE_LEVELS = (Level.CSR.value, Level.SUPERVISOR.value, Level.SITE.value)
LEVEL_ORDER = {Level.CSR.value: 0, Level.SUPERVISOR.value: 1, Level.SITE.value: 2, Level.ORGANIZATION.value: 3}
METRIC_COLUMNS = {Edition.Metric.WCC.value: "world_class", Edition.Metric.FCR.value: "fcr"}
# "No achievement yet": far enough in the past that any month is at least the validity after it.
NO_ACHIEVEMENT = -(10**6)
RATE_DECIMALS = 4


@dataclass(frozen=True)
class LevelThreshold:
    """One level's threshold and minimum sample."""

    threshold_percent: Decimal
    min_surveys: int


@dataclass(frozen=True)
class EditionRules:
    """The rules of an edition as plain values, so that a run can store them and be replayed from them."""

    year: int
    metric: str
    comparison: str
    min_months: int
    max_months: int
    validity_months: int
    window_code: str
    organization_rule: str
    levels: dict[str, LevelThreshold]

    @classmethod
    def from_edition(cls, edition: Edition) -> EditionRules:
        return cls(
            year=edition.year,
            metric=edition.metric,
            comparison=edition.comparison,
            min_months=edition.min_consecutive_months,
            max_months=edition.max_window_months,
            validity_months=edition.validity_months,
            window_code=edition.survey_window.code,
            organization_rule=edition.organization_rule,
            levels={
                rule.level: LevelThreshold(threshold_percent=rule.threshold_percent, min_surveys=rule.min_surveys)
                for rule in edition.level_rules.all()
            },
        )

    def snapshot(self) -> dict:
        return {
            "year": self.year,
            "metric": self.metric,
            "comparison": self.comparison,
            "min_consecutive_months": self.min_months,
            "max_window_months": self.max_months,
            "validity_months": self.validity_months,
            "survey_window": self.window_code,
            "organization_rule": self.organization_rule,
            "levels": {
                level: {"threshold_percent": str(rule.threshold_percent), "min_surveys": rule.min_surveys}
                for level, rule in sorted(self.levels.items())
            },
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> EditionRules:
        return cls(
            year=data["year"],
            metric=data["metric"],
            comparison=data["comparison"],
            min_months=data["min_consecutive_months"],
            max_months=data["max_window_months"],
            validity_months=data["validity_months"],
            window_code=data["survey_window"],
            organization_rule=data["organization_rule"],
            levels={
                level: LevelThreshold(Decimal(rule["threshold_percent"]), int(rule["min_surveys"]))
                for level, rule in data["levels"].items()
            },
        )

    def evaluated_levels(self) -> list[str]:
        levels = [level for level in PERSON_AND_SITE_LEVELS if level in self.levels]
        if self.organization_rule == Edition.OrganizationRule.ALL_SITES and Level.SITE.value in self.levels:
            levels.append(Level.ORGANIZATION.value)
        return levels


@dataclass(frozen=True)
class Achievement:
    """A month in which an entity achieved certification, with the window that earned it."""

    month: Month
    valid_through: Month
    window: tuple[Month, Month] | None
    surveys: int | None
    meeting: int | None


@dataclass(slots=True)
class EntityResult:
    """One entity's evaluation at the `through` month; `as_dict()` is its `certify --json` object."""

    level: str
    org: str
    id: str
    qualifies: bool
    certified: bool
    window: tuple[str, str] | None
    surveys: int | None
    meeting: int | None
    rate: float | None
    ci95: tuple[float, float] | None
    certified_since: str | None
    valid_through: str | None
    entity_pk: int = field(default=0, compare=False)
    organization_pk: int = field(default=0, compare=False)
    achievements: tuple[Achievement, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "org": self.org,
            "id": self.id,
            "qualifies": self.qualifies,
            "certified": self.certified,
            "window": list(self.window) if self.window else None,
            "surveys": self.surveys,
            "meeting": self.meeting,
            "rate": self.rate,
            "ci95": list(self.ci95) if self.ci95 else None,
            "certified_since": self.certified_since,
            "valid_through": self.valid_through,
        }


@dataclass
class Evaluation:
    """Every entity's result for an edition through a month, with the checksum of the rollups read."""

    rules: EditionRules
    through: Month
    require_confidence: bool
    organization: str | None
    input_sha256: str
    rollup_rows: int
    entities: list[EntityResult]
    _canonical_json: str | None = field(default=None, repr=False, compare=False)

    def as_json_dict(self) -> dict:
        return {
            "edition": str(self.rules.year),
            "through": str(self.through),
            "entities": [entity.as_dict() for entity in self.entities],
        }

    def canonical_json(self) -> str:
        """The result as compact JSON, keys in the documented order; computed once (it is the result's checksum)."""
        if self._canonical_json is None:
            with without_cyclic_gc():
                self._canonical_json = json.dumps(self.as_json_dict(), separators=(",", ":"), ensure_ascii=False)
        return self._canonical_json

    def result_sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def counts(self) -> dict:
        counts: dict = {"rollup_rows": self.rollup_rows, "entities": len(self.entities)}
        for key in ("qualifies", "certified"):
            counts[key] = {level: 0 for level in self.rules.evaluated_levels()}
        for entity in self.entities:
            counts["qualifies"][entity.level] += entity.qualifies
            counts["certified"][entity.level] += entity.certified
        return counts


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building hundreds of thousands of acyclic result objects: its
    repeated full scans of a growing heap otherwise cost more than the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- the vectorized rules -------------------------------------------------------------------------------------------


@dataclass
class MatrixResult:
    """Per entity and month: the qualifying window's length (0: none) and counts, the decision, achievements."""

    window_length: np.ndarray
    surveys: np.ndarray
    meeting: np.ndarray
    qualifies: np.ndarray
    achievements: np.ndarray
    last_achievement: np.ndarray  # at the last month; NO_ACHIEVEMENT if none


def evaluate_matrix(
    *,
    eligible: np.ndarray,
    meeting: np.ndarray,
    first_month: np.ndarray,
    min_months: int,
    max_months: int,
    min_surveys: int,
    threshold_percent: Decimal,
    comparison: str,
    validity_months: int,
    require_confidence: bool = False,
) -> MatrixResult:
    """Apply the rules to an entity x month matrix; `first_month[e]` is entity e's first month (column) of data."""
    entities, months = eligible.shape
    eligible_sums = np.zeros((entities, months + 1), dtype=np.int64)
    meeting_sums = np.zeros((entities, months + 1), dtype=np.int64)
    np.cumsum(eligible, axis=1, out=eligible_sums[:, 1:])
    np.cumsum(meeting, axis=1, out=meeting_sums[:, 1:])

    # Longest first, so that a shorter window that reaches the minimum overwrites it: the shortest wins.
    window_length = np.zeros((entities, months), dtype=np.int64)
    for length in range(min(max_months, months), min_months - 1, -1):
        surveys = eligible_sums[:, length:] - eligible_sums[:, :-length]  # windows ending at length-1 .. months-1
        starts = np.arange(months - length + 1)
        reached = (surveys >= min_surveys) & (starts[None, :] >= first_month[:, None])
        window_length[:, length - 1 :][reached] = length

    ends = np.arange(1, months + 1)[None, :]
    starts = np.maximum(ends - window_length, 0)
    has_window = window_length > 0
    surveys = np.where(has_window, eligible_sums[:, 1:] - np.take_along_axis(eligible_sums, starts, axis=1), 0)
    meeting_w = np.where(has_window, meeting_sums[:, 1:] - np.take_along_axis(meeting_sums, starts, axis=1), 0)

    points = basis_points(threshold_percent)
    if require_confidence:
        low = wilson_lower_bounds(meeting_w, surveys)
        beats = low > points / 10000 if comparison == GREATER_THAN else low >= points / 10000
    elif comparison == GREATER_THAN:
        beats = meeting_w * 10000 > points * surveys
    elif comparison == AT_LEAST:
        beats = meeting_w * 10000 >= points * surveys
    else:
        raise ValueError(f"unknown comparison {comparison!r}")
    qualifies = has_window & (surveys > 0) & beats

    achievements = np.zeros((entities, months), dtype=bool)
    last = np.full(entities, NO_ACHIEVEMENT, dtype=np.int64)
    for month in range(months):
        achieved = qualifies[:, month] & (month - last >= validity_months)
        achievements[:, month] = achieved
        last = np.where(achieved, month, last)
    return MatrixResult(window_length, surveys, meeting_w, qualifies, achievements, last)


# --- reading the rollups --------------------------------------------------------------------------------------------


@dataclass
class RollupColumns:
    """The rollup rows read, as parallel arrays (month as a `Month.index`)."""

    level: np.ndarray
    organization: np.ndarray
    entity: np.ndarray
    month: np.ndarray
    eligible: np.ndarray
    meeting: np.ndarray

    def __len__(self) -> int:
        return len(self.entity)

    def select(self, mask: np.ndarray) -> RollupColumns:
        return RollupColumns(*(getattr(self, name)[mask] for name in self.__dataclass_fields__))


LEVEL_CODES = {level: code for code, level in enumerate(PERSON_AND_SITE_LEVELS)}
# PostgreSQL sends a date in binary as its number of days since 2000-01-01.
_DAY_ZERO = "2000-01-01"
# PostgreSQL's binary array: ndim, has-nulls flag, element type, then (size, lower bound) per dimension.
_ARRAY_HEADER_BYTES = 20


def fetch_rollups(
    *,
    window: SurveyWindow,
    metric: str,
    through: Month,
    levels: list[str],
    organization_id: int | None = None,
    entity_ids: list[int] | None = None,
) -> RollupColumns:
    """Read the rollup rows of a survey window up to a month (of only `entity_ids`, when given): as a few binary
    arrays on PostgreSQL (millions of rows in one round trip, parsed in place by numpy), through the ORM elsewhere."""
    metric_column = METRIC_COLUMNS[metric]
    if not levels or entity_ids == []:
        return _empty_columns()
    if connection.vendor == "postgresql":
        return _fetch_rollups_arrays(window.pk, metric_column, through, levels, organization_id, entity_ids)
    # Certification reads every organization's rollups on purpose; tenancy applies to who sees the results.
    with scopes_disabled():
        rows = MonthlyRollup.objects.filter(window=window, month__lte=through.first_day(), level__in=levels)
        if organization_id is not None:
            rows = rows.filter(organization_id=organization_id)
        if entity_ids is not None:
            rows = rows.filter(entity_id__in=entity_ids)
        values = list(rows.values_list("level", "organization_id", "entity_id", "month", "eligible", metric_column))
    if not values:
        return _empty_columns()
    level, organization, entity, month, eligible, meeting = zip(*values, strict=True)
    return RollupColumns(
        level=np.array([LEVEL_CODES[value] for value in level], dtype=np.int64),
        organization=np.array(organization, dtype=np.int64),
        entity=np.array(entity, dtype=np.int64),
        month=np.array([day.year * 12 + day.month - 1 for day in month], dtype=np.int64),
        eligible=np.array(eligible, dtype=np.int64),
        meeting=np.array(meeting, dtype=np.int64),
    )


def _empty_columns() -> RollupColumns:
    return RollupColumns(*(np.zeros(0, dtype=np.int64) for _ in range(6)))


def _binary_array(data: bytes, element: str) -> np.ndarray:
    """The values of a one-dimensional, null-free PostgreSQL array in binary form (`array_send`)."""
    layout = np.dtype([("length", ">i4"), ("value", element)])
    count = (len(data) - _ARRAY_HEADER_BYTES) // layout.itemsize
    return np.frombuffer(data, dtype=layout, count=count, offset=_ARRAY_HEADER_BYTES)["value"].astype(np.int64)


def _fetch_rollups_arrays(window_id, metric_column, through, levels, organization_id, entity_ids) -> RollupColumns:
    # The PostgreSQL-only path: SQLite deployments never load the driver.
    from psycopg import Cursor, sql

    conditions = [
        sql.SQL("window_id = {}").format(sql.Literal(window_id)),
        sql.SQL("month <= {}").format(sql.Literal(through.first_day())),
        sql.SQL("level IN ({})").format(sql.SQL(", ").join(sql.Literal(level) for level in levels)),
    ]
    if organization_id is not None:
        conditions.append(sql.SQL("organization_id = {}").format(sql.Literal(organization_id)))
    if entity_ids is not None:
        conditions.append(
            sql.SQL("entity_id IN ({})").format(sql.SQL(", ").join(sql.Literal(int(pk)) for pk in entity_ids))
        )
    # One row per level; the aggregates of one query see the rows in the same order, so the arrays line up.
    statement = sql.SQL(
        "SELECT level, array_send(array_agg(organization_id)), array_send(array_agg(entity_id)),"
        " array_send(array_agg(month)), array_send(array_agg(eligible)),"
        " array_send(array_agg({metric})) FROM {table} WHERE {conditions} GROUP BY level"
    ).format(
        metric=sql.Identifier(metric_column),
        table=sql.Identifier(MonthlyRollup._meta.db_table),
        conditions=sql.SQL(" AND ").join(conditions),
    )
    connection.ensure_connection()
    # A server-side-binding cursor: Django's client-side cursors cannot return binary results.
    with Cursor(connection.connection) as cursor:
        cursor.execute(statement, binary=True)
        fetched = cursor.fetchall()
    if not fetched:
        return _empty_columns()
    parts = []
    for level, organization, entity, days, eligible, meeting in fetched:
        entity_ids = _binary_array(entity, ">i8")
        months = (np.datetime64(_DAY_ZERO) + _binary_array(days, ">i4")).astype("datetime64[M]").astype(np.int64)
        parts.append(
            RollupColumns(
                level=np.full(len(entity_ids), LEVEL_CODES[level], dtype=np.int64),
                organization=_binary_array(organization, ">i8"),
                entity=entity_ids,
                month=months + 1970 * 12,
                eligible=_binary_array(eligible, ">i4"),
                meeting=_binary_array(meeting, ">i4"),
            )
        )
    return RollupColumns(
        *(np.concatenate([getattr(p, name) for p in parts]) for name in RollupColumns.__dataclass_fields__)
    )


# --- putting it together --------------------------------------------------------------------------------------------


@dataclass
class _LevelMatrix:
    level: str
    entity_ids: np.ndarray
    organization_ids: np.ndarray
    eligible: np.ndarray
    meeting: np.ndarray
    first_month: np.ndarray


def _dense(columns: RollupColumns, level: str, origin: int, months: int) -> _LevelMatrix:
    rows = columns.select(columns.level == LEVEL_CODES[level])
    entity_ids, inverse = np.unique(rows.entity, return_inverse=True)
    column = rows.month - origin
    eligible = np.zeros((len(entity_ids), months), dtype=np.int64)
    meeting = np.zeros((len(entity_ids), months), dtype=np.int64)
    eligible[inverse, column] = rows.eligible
    meeting[inverse, column] = rows.meeting
    first_month = np.full(len(entity_ids), months, dtype=np.int64)
    np.minimum.at(first_month, inverse, column)
    organization_ids = np.zeros(len(entity_ids), dtype=np.int64)
    organization_ids[inverse] = rows.organization
    return _LevelMatrix(level, entity_ids, organization_ids, eligible, meeting, first_month)


def _checksum(matrices: list[_LevelMatrix], origin: int, months: int, rules: EditionRules) -> str:
    """A checksum of what was read: each level's entities, organizations, first months and counts, in order."""
    digest = hashlib.sha256(f"{rules.window_code}:{rules.metric}:{origin}:{months}".encode())
    for matrix in matrices:
        digest.update(matrix.level.encode())
        for array in (matrix.entity_ids, matrix.organization_ids, matrix.first_month, matrix.eligible, matrix.meeting):
            digest.update(np.ascontiguousarray(array, dtype="<i8").tobytes())
    return digest.hexdigest()


def _rate(meeting: int | None, surveys: int | None) -> tuple[float | None, tuple[float, float] | None]:
    if not surveys:
        return None, None
    low, high = wilson_interval(meeting, surveys, Z_95)
    return round(meeting / surveys, RATE_DECIMALS), (round(low, RATE_DECIMALS), round(high, RATE_DECIMALS))


def _rates(meeting: np.ndarray, surveys: np.ndarray) -> tuple[list, list, list]:
    """Rates and Wilson 95% bounds, rounded for display."""
    p, low, high = wilson_bounds(meeting, surveys)
    # Python's round() (correctly rounded), not numpy's, so that the result equals core.stats.wilson_interval rounded.
    return tuple([round(value, RATE_DECIMALS) for value in array.tolist()] for array in (p, low, high))


def _achievements(result: MatrixResult, rules: EditionRules, month_objects: list[Month]) -> dict[int, tuple]:
    rows, columns = np.nonzero(result.achievements)
    lengths = result.window_length[rows, columns].tolist()
    surveys = result.surveys[rows, columns].tolist()
    meeting = result.meeting[rows, columns].tolist()
    by_row: dict[int, tuple] = {}
    for i, (row, column) in enumerate(zip(rows.tolist(), columns.tolist(), strict=True)):
        achievement = Achievement(
            month=month_objects[column],
            valid_through=month_objects[column + rules.validity_months],
            window=(month_objects[column - lengths[i] + 1], month_objects[column]),
            surveys=surveys[i],
            meeting=meeting[i],
        )
        by_row[row] = (*by_row.get(row, ()), achievement)
    return by_row


def evaluate_rules(
    *,
    rules: EditionRules,
    through: Month,
    require_confidence: bool = False,
    organization: Organization | None = None,
    level: str | None = None,
    entity_id: int | None = None,
    entity_ids: list[int] | None = None,
) -> Evaluation:
    """Evaluate explicit rules (an edition's, or a stored run's snapshot). See `evaluate_certifications`. With
    `entity_id` or `entity_ids` (and a `level` other than the organization), only those entities are evaluated."""
    with without_cyclic_gc():
        return _evaluate_rules(
            rules=rules,
            through=through,
            require_confidence=require_confidence,
            organization=organization,
            level=level,
            entity_ids=[entity_id] if entity_id is not None else entity_ids,
        )


def _evaluate_rules(*, rules, through, require_confidence, organization, level, entity_ids) -> Evaluation:
    window = SurveyWindow.objects.filter(code=rules.window_code).first()
    if window is None:
        raise AppError(
            code="unknown_window",
            message=f"The survey window {rules.window_code!r} of edition {rules.year} does not exist.",
        )
    levels = rules.evaluated_levels()
    fetch_levels = [lvl for lvl in levels if lvl != Level.ORGANIZATION]
    if level is not None:
        levels = [lvl for lvl in levels if lvl == level]
        fetch_levels = ([Level.SITE.value] if level == Level.ORGANIZATION else [level]) if levels else []
    columns = fetch_rollups(
        window=window,
        metric=rules.metric,
        through=through,
        levels=fetch_levels,
        organization_id=organization.pk if organization else None,
        entity_ids=entity_ids if level != Level.ORGANIZATION else None,
    )
    origin = int(columns.month.min()) if len(columns) else through.index
    months = through.index - origin + 1
    matrices = [_dense(columns, lvl, origin, months) for lvl in fetch_levels]
    labels = [str(Month.from_index(origin + i)) for i in range(months + rules.validity_months)]
    month_objects = [Month.from_index(origin + i) for i in range(months + rules.validity_months)]

    with scopes_disabled():  # Names of every organization's entities; the caller decides who sees the results.
        org_ids = {int(value) for matrix in matrices for value in np.unique(matrix.organization_ids)}
        org_codes = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "code"))
        people = Person.objects.filter(organization_id__in=org_ids)
        sites = Site.objects.filter(organization_id__in=org_ids)
        if entity_ids is not None and level != Level.ORGANIZATION:  # Only these entities: read only their codes.
            people, sites = people.filter(pk__in=entity_ids), sites.filter(pk__in=entity_ids)
        person_codes = {}
        if {Level.CSR.value, Level.SUPERVISOR.value} & set(fetch_levels):
            person_codes = dict(people.values_list("pk", "code"))
        site_codes = dict(sites.values_list("pk", "code")) if Level.SITE in fetch_levels else {}

    entities: list[EntityResult] = []
    last = months - 1
    site_state = None
    for matrix in matrices:
        threshold = rules.levels[matrix.level]
        result = evaluate_matrix(
            eligible=matrix.eligible,
            meeting=matrix.meeting,
            first_month=matrix.first_month,
            min_months=rules.min_months,
            max_months=rules.max_months,
            min_surveys=threshold.min_surveys,
            threshold_percent=threshold.threshold_percent,
            comparison=rules.comparison,
            validity_months=rules.validity_months,
            require_confidence=require_confidence,
        )
        certified = (result.last_achievement >= 0) & (last <= result.last_achievement + rules.validity_months)
        if matrix.level == Level.SITE:
            site_state = (matrix, result, certified)
        if matrix.level not in levels:
            continue
        codes = site_codes if matrix.level == Level.SITE else person_codes
        achievements_by_row = _achievements(result, rules, month_objects)
        lengths = result.window_length[:, last]
        surveys_at = result.surveys[:, last]
        meeting_at = result.meeting[:, last]
        rates, lows, highs = _rates(meeting_at, surveys_at)
        lengths, surveys_at, meeting_at = lengths.tolist(), surveys_at.tolist(), meeting_at.tolist()
        qualifies = result.qualifies[:, last].tolist()
        certified_list = certified.tolist()
        last_achievement = result.last_achievement.tolist()
        validity = rules.validity_months
        for row, (pk, org_pk) in enumerate(
            zip(matrix.entity_ids.tolist(), matrix.organization_ids.tolist(), strict=True)
        ):
            has_window = lengths[row] > 0
            is_certified = certified_list[row]
            entities.append(
                EntityResult(
                    level=matrix.level,
                    org=org_codes[org_pk],
                    id=codes[pk],
                    qualifies=qualifies[row],
                    certified=is_certified,
                    window=(labels[last - lengths[row] + 1], labels[last]) if has_window else None,
                    surveys=surveys_at[row] if has_window else None,
                    meeting=meeting_at[row] if has_window else None,
                    rate=rates[row] if has_window else None,
                    ci95=(lows[row], highs[row]) if has_window else None,
                    certified_since=labels[last_achievement[row]] if is_certified else None,
                    valid_through=labels[last_achievement[row] + validity] if is_certified else None,
                    entity_pk=pk,
                    organization_pk=org_pk,
                    achievements=achievements_by_row.get(row, ()),
                )
            )

    if Level.ORGANIZATION in levels and site_state is not None:
        entities.extend(_organization_results(site_state, rules, labels, month_objects, last, org_codes))

    entities.sort(key=lambda e: (LEVEL_ORDER[e.level], e.org, e.id))
    return Evaluation(
        rules=rules,
        through=through,
        require_confidence=require_confidence,
        organization=organization.code if organization else None,
        input_sha256=_checksum(matrices, origin, months, rules),
        rollup_rows=len(columns),
        entities=entities,
    )


def _organization_results(site_state, rules, labels, month_objects, last, org_codes) -> list[EntityResult]:
    """An organization qualifies (is certified) at M when every one of its sites with data up to M does.

    Its window spans from the earliest start of its sites' qualifying windows to M, when every site has one; its
    counts are its sites' eligible and qualifying surveys over that span. It is certified since the latest of its
    sites' certifications and valid through the earliest of their expiries.
    """
    matrix, result, certified = site_state
    eligible_sums = np.concatenate(
        [np.zeros((len(matrix.entity_ids), 1), dtype=np.int64), np.cumsum(matrix.eligible, axis=1)], axis=1
    )
    meeting_sums = np.concatenate(
        [np.zeros((len(matrix.entity_ids), 1), dtype=np.int64), np.cumsum(matrix.meeting, axis=1)], axis=1
    )
    results = []
    for org_pk in sorted({int(value) for value in matrix.organization_ids.tolist()}):
        sites = np.nonzero(matrix.organization_ids == org_pk)[0]
        lengths = result.window_length[sites, last]
        qualifies = bool(result.qualifies[sites, last].all())
        is_certified = bool(certified[sites].all())
        window = surveys = meeting = None
        if (lengths > 0).all():
            start = last - int(lengths.max()) + 1
            surveys = int((eligible_sums[sites, last + 1] - eligible_sums[sites, start]).sum())
            meeting = int((meeting_sums[sites, last + 1] - meeting_sums[sites, start]).sum())
            window = (labels[start], labels[last])
        rate, ci95 = _rate(meeting, surveys) if window else (None, None)
        since = until = None
        achievements: tuple[Achievement, ...] = ()
        if is_certified:
            since_index = int(result.last_achievement[sites].max())
            until_index = int(result.last_achievement[sites].min()) + rules.validity_months
            since, until = labels[since_index], labels[until_index]
            achievements = (
                Achievement(
                    month=month_objects[since_index],
                    valid_through=month_objects[until_index],
                    window=(month_objects[start], month_objects[last]) if window else None,
                    surveys=surveys,
                    meeting=meeting,
                ),
            )
        code = org_codes[org_pk]
        results.append(
            EntityResult(
                level=Level.ORGANIZATION.value,
                org=code,
                id=code,
                qualifies=qualifies,
                certified=is_certified,
                window=window,
                surveys=surveys,
                meeting=meeting,
                rate=rate,
                ci95=ci95,
                certified_since=since,
                valid_through=until,
                entity_pk=org_pk,
                organization_pk=org_pk,
                achievements=achievements,
            )
        )
    return results


def evaluate_certifications(
    *,
    edition: Edition,
    through: Month,
    require_confidence: bool = False,
    organization: Organization | None = None,
) -> Evaluation:
    """Evaluate every entity with rollups up to `through` under an edition; reads rollups only, writes nothing."""
    return evaluate_rules(
        rules=EditionRules.from_edition(edition),
        through=through,
        require_confidence=require_confidence,
        organization=organization,
    )


def get_edition(*, year: int | str) -> Edition:
    """The edition of a year, or a clear error naming the editions that exist."""
    try:
        year_number = int(year)
    except (TypeError, ValueError):
        year_number = None
    edition = (
        Edition.objects.select_related("survey_window").prefetch_related("level_rules").filter(year=year_number).first()
        if year_number is not None
        else None
    )
    if edition is None:
        known = ", ".join(str(y) for y in Edition.objects.values_list("year", flat=True))
        raise AppError(
            code="unknown_edition",
            message=f"There is no edition {year}.",
            details=[ErrorDetail(message=f"Known editions: {known}.", field="edition")],
        )
    return edition


def parse_month(text: str, *, field_name: str = "through") -> Month:
    """A `YYYY-MM` month, or a clear error naming the field."""
    try:
        return Month.parse(text)
    except ValueError as error:
        raise AppError(
            code="invalid_month",
            message=f"Invalid month {text!r}: expected YYYY-MM.",
            details=[ErrorDetail(message=str(error), field=field_name)],
        ) from error
