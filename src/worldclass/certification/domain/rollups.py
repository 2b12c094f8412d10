"""Monthly rollups: per survey window, level, entity and call month, the counts certification reads.

Every count is computed by one set-based SQL statement over the surveys table, so the same code serves an imported
batch of millions and a full rebuild. A single live survey adds its 12 rows (3 windows x 4 levels) from the survey
in hand, counted by the same rules in Python (`_COUNTED` holds each count's SQL and Python side by side; the window
rule is `surveys.domain.eligibility.is_eligible`, which tests hold equal to the SQL): the statement over the table
cost more to plan than the answer's whole transaction. Both paths write with `INSERT … ON CONFLICT DO UPDATE`,
which adds to existing rows atomically, so concurrent writers never lose or double an increment; a batch of months
with no rollups yet is first tried as plain inserts (`add_batch_to_rollups`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Sum
from django_scopes import scopes_disabled

from worldclass.certification.models import Edition, Level, MonthlyRollup, SurveyWindow
from worldclass.core.database import is_unique_violation

COUNTS = ["eligible", "ineligible", "world_class", "fcr", "resolved", "overall_top_box", "csr_top_box"]
LEVEL_ENTITY = {
    "csr": "csr_id",
    "supervisor": "supervisor_id",
    "site": "site_id",
    "organization": "organization_id",
}

# What an eligible survey counts for: as SQL over a survey row `s`, and as Python over a SurveyResponse.
_COUNTED = {
    "world_class": ("s.is_world_class_call", lambda s: s.is_world_class_call),
    "fcr": ("s.is_fcr", lambda s: s.is_fcr),
    "resolved": ("s.resolved", lambda s: s.resolved),
    "overall_top_box": ("s.overall_sat = s.rating_scale_max", lambda s: s.overall_sat == s.rating_scale_max),
    "csr_top_box": ("s.csr_sat = s.rating_scale_max", lambda s: s.csr_sat == s.rating_scale_max),
}


def _eligible_sql(window: SurveyWindow) -> str:
    """The window's rule as SQL over a survey row; the bounds are integers read from the window row."""
    if window.kind == SurveyWindow.Kind.MINUTES:
        low, high = int(window.min_minutes) * 60, int(window.max_minutes) * 60
        return f"s.delay_seconds >= {low} AND s.delay_seconds <= {high}"
    return f"s.delay_seconds >= 0 AND s.business_days_after_call <= {int(window.business_days)}"


def _fine_sql(windows: list[SurveyWindow], where: str) -> str:
    """The one rule, in one pass over the surveys: per (organization, site, supervisor, CSR, month), the surveys
    and, per window, the eligible ones and what they count for. Integer sums: PostgreSQL sums bigints as numeric,
    which made every level's sums several times slower."""
    columns = []
    for w in windows:
        eligible = _eligible_sql(w)
        columns.append(f"CAST(SUM(CASE WHEN {eligible} THEN 1 ELSE 0 END) AS integer) AS eligible_{w.id}")
        for name, (condition, _test) in _COUNTED.items():
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


def _rollup_select_sql(windows: list[SurveyWindow], where: str) -> str:
    """The rollups of the surveys matching `where`: (window_id, organization_id, level, entity_id, month, *COUNTS)."""
    ctes, rows = _rollup_parts(windows, where)
    columns = ", ".join(COUNTS)
    return f"{ctes} SELECT window_id, organization_id, level, entity_id, call_month, {columns} FROM ({rows}) r"


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


def add_batch_to_rollups(*, import_batch_id: int, survey_pks: tuple[int, int]) -> int:
    """Add the surveys of one import batch, whose ids lie in `survey_pks` (inclusive), to every window's rollups;
    returns the rollup rows touched."""
    params = [*survey_pks, import_batch_id]
    windows = list(SurveyWindow.objects.order_by("id"))
    if not windows:
        return 0
    if connection.vendor == "postgresql" and not _batch_months_have_rollups(windows=windows, params=params):
        # A batch of months not counted yet (a month's file, the usual case) writes only new rows: without ON
        # CONFLICT's speculative insertion, a third less time at a million surveys (docs/performance.md).
        try:
            with transaction.atomic():
                return _write(_rollup_sql(windows, _BATCH_WHERE, all_new=True), params)
        except IntegrityError as error:
            # A live answer stored meanwhile counted in one of these months: add to its rows instead.
            if not is_unique_violation(error):
                raise
    return _write(_rollup_sql(windows, _BATCH_WHERE), params)


def _batch_months_have_rollups(*, windows: list[SurveyWindow], params: list) -> bool:
    """Whether any organization and month of the batch is counted already. Every counted survey has its
    organization's row in every window, so the first window's organization rows tell."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM certification_monthlyrollup r "
            "WHERE r.window_id = %s AND r.level = 'organization' AND (r.entity_id, r.month) IN "
            f"(SELECT DISTINCT s.organization_id, s.call_month FROM surveys_surveyresponse s WHERE {_BATCH_WHERE}))",
            [windows[0].id, *params],
        )
        return bool(cursor.fetchone()[0])


def survey_window_counts(*, survey, windows: list[SurveyWindow]) -> list[tuple[int, ...]]:
    """What one survey adds under each window, (window_id, *COUNTS), by the rules of the set-based statement."""
    # The eligibility module brings numpy and holidays, which `certify` starts without (test_certify_startup.py).
    from worldclass.surveys.domain.eligibility import is_eligible

    counted = [int(test(survey)) for _condition, test in _COUNTED.values()]
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
    windows = list(SurveyWindow.objects.order_by("id"))
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
    editions: list[int]
    surveys: int
    eligible: int
    warning: str

    def as_dict(self) -> dict:
        return asdict(self)


def batch_eligibility(*, import_batch_id: int, survey_pks: tuple[int, int]) -> list[WindowEligibility]:
    """Per survey window of the editions, the batch's eligible surveys (the rollups' own rule), with a warning
    and the likely cause when fewer than half are eligible."""
    windows: dict[int, SurveyWindow] = {}
    editions: dict[int, list[int]] = {}
    for edition in Edition.objects.select_related("survey_window").order_by("year"):
        windows[edition.survey_window_id] = edition.survey_window
        editions.setdefault(edition.survey_window_id, []).append(edition.year)
    if not windows:
        return []
    # One pass over the batch for every window: per window, its eligible surveys and those taken too soon.
    per_window = ", ".join(
        f"SUM(CASE WHEN {_eligible_sql(window)} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN s.delay_seconds < {int(window.min_minutes or 0) * 60} THEN 1 ELSE 0 END)"
        for window in windows.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN s.delay_seconds = 0 THEN 1 ELSE 0 END), {per_window} "
            f"FROM surveys_surveyresponse s WHERE {_BATCH_WHERE}",
            [*survey_pks, import_batch_id],
        )
        surveys, instant, *counts = (int(value or 0) for value in cursor.fetchone())
    results = []
    for index, (window_id, window) in enumerate(windows.items()):
        eligible, too_soon = counts[2 * index], counts[2 * index + 1]
        warning = ""
        if surveys and eligible * 2 < surveys:
            warning = _likely_cause(window, surveys=surveys, instant=instant, too_soon=too_soon, eligible=eligible)
        results.append(
            WindowEligibility(
                window=window.code,
                description=window.description,
                editions=editions[window_id],
                surveys=surveys,
                eligible=eligible,
                warning=warning,
            )
        )
    return results


def _likely_cause(window: SurveyWindow, *, surveys: int, instant: int, too_soon: int, eligible: int) -> str:
    if instant == surveys:
        return "surveyed_at equals call_at on every row: this export has no survey time"
    if window.kind == SurveyWindow.Kind.MINUTES:
        if too_soon * 2 >= surveys:
            return f"{too_soon:,} surveys were taken less than {window.min_minutes} minutes after the call"
        late = surveys - eligible - too_soon
        return f"{late:,} surveys were taken more than {window.max_minutes} minutes after the call"
    return f"{surveys - eligible:,} surveys were taken more than {window.business_days} business days after the call"


def rollup_survey_total(*, window_id: int) -> int:
    """How many surveys the rollups count: the organization-level rows of one window, read through the unique key
    (a few rows per organization and month, where counting the surveys reads every one)."""
    with scopes_disabled():
        totals = MonthlyRollup.objects.filter(window_id=window_id, level=Level.ORGANIZATION).aggregate(
            eligible=Sum("eligible"), ineligible=Sum("ineligible")
        )
    return (totals["eligible"] or 0) + (totals["ineligible"] or 0)


def last_rollup_id() -> int | None:
    """The largest rollup id: a rebuild writes its rows again, under new ids."""
    with scopes_disabled():
        return MonthlyRollup.objects.aggregate(last=Max("id"))["last"]


RollupKey = tuple[int, str, int, dt.date]


def rollups_from_surveys() -> dict[RollupKey, dict[str, int]]:
    """Every window's rollups recomputed from the raw surveys, without storing them: (window id, level, entity id,
    month) -> counts. Verification compares them with the stored rows."""
    with scopes_disabled():
        windows = list(SurveyWindow.objects.order_by("id"))
    if not windows:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_rollup_select_sql(windows, "true"))
        return {
            (row[0], row[2], row[3], _as_date(row[4])): dict(zip(COUNTS, map(int, row[5:]), strict=True))
            for row in cursor.fetchall()
        }


def _as_date(value) -> dt.date:
    # SQLite hands the month back as text.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
