"""Monthly rollups: per survey window, level, entity and call month, the counts certification reads.

Every count is computed by one set-based SQL statement over the surveys table, so the same code serves a single
live survey, an imported batch of millions, and a full rebuild. The `INSERT … ON CONFLICT DO UPDATE` adds to
existing rows atomically, so concurrent imports never lose or double an increment.
"""

from __future__ import annotations

from django.db import connection, transaction
from django_scopes import scopes_disabled

from worldclass.certification.models import MonthlyRollup, SurveyWindow

COUNTS = ["eligible", "ineligible", "world_class", "fcr", "resolved", "overall_top_box", "csr_top_box"]
LEVEL_ENTITY = {
    "csr": "csr_id",
    "supervisor": "supervisor_id",
    "site": "site_id",
    "organization": "organization_id",
}

_FLAGGED = """
    SELECT w.id AS window_id, s.organization_id, s.site_id, s.supervisor_id, s.csr_id, s.call_month,
           CASE WHEN (w.kind = 'minutes' AND s.delay_seconds >= w.min_minutes * 60
                                         AND s.delay_seconds <= w.max_minutes * 60)
                  OR (w.kind = 'business_days' AND s.delay_seconds >= 0
                                               AND s.business_days_after_call <= w.business_days)
                THEN 1 ELSE 0 END AS e,
           CASE WHEN s.is_world_class_call THEN 1 ELSE 0 END AS wcc,
           CASE WHEN s.is_fcr THEN 1 ELSE 0 END AS fcr,
           CASE WHEN s.resolved THEN 1 ELSE 0 END AS res,
           CASE WHEN s.overall_sat = s.rating_scale_max THEN 1 ELSE 0 END AS otb,
           CASE WHEN s.csr_sat = s.rating_scale_max THEN 1 ELSE 0 END AS ctb
    FROM surveys_surveyresponse s CROSS JOIN certification_surveywindow w
    WHERE {where}
"""

# First down to one row per (window, CSR, supervisor, site, organization, month), then up to each level.
_BASE = """
    SELECT window_id, organization_id, site_id, supervisor_id, csr_id, call_month,
           SUM(e) AS eligible, SUM(1 - e) AS ineligible, SUM(e * wcc) AS world_class, SUM(e * fcr) AS fcr,
           SUM(e * res) AS resolved, SUM(e * otb) AS overall_top_box, SUM(e * ctb) AS csr_top_box
    FROM flagged
    GROUP BY window_id, organization_id, site_id, supervisor_id, csr_id, call_month
"""


def _rollup_sql(where: str) -> str:
    sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTS)
    per_level = " UNION ALL ".join(
        f"SELECT window_id, organization_id, '{level}' AS level, {column} AS entity_id, call_month, {sums} "
        f"FROM base GROUP BY window_id, organization_id, {column}, call_month"
        for level, column in LEVEL_ENTITY.items()
    )
    columns = ", ".join(COUNTS)
    updates = ", ".join(f"{c} = certification_monthlyrollup.{c} + excluded.{c}" for c in COUNTS)
    return (
        f"WITH flagged AS ({_FLAGGED.format(where=where)}), base AS ({_BASE}) "
        f"INSERT INTO certification_monthlyrollup (window_id, organization_id, level, entity_id, month, {columns}) "
        f"SELECT window_id, organization_id, level, entity_id, call_month, {columns} FROM ({per_level}) per_level "
        # The order fixes the row-lock order, so two concurrent imports cannot deadlock on the same rollups.
        "WHERE true ORDER BY window_id, level, entity_id, call_month "
        f"ON CONFLICT (window_id, level, entity_id, month) DO UPDATE SET {updates}"
    )


def _apply(where: str, params: list) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_rollup_sql(where), params)
        return max(cursor.rowcount, 0)


def add_batch_to_rollups(*, import_batch_id: int) -> int:
    """Add the surveys of one import batch to every window's rollups; returns the rollup rows touched."""
    return _apply("s.import_batch_id = %s", [import_batch_id])


def add_survey_to_rollups(*, survey) -> None:
    """Add one just-inserted survey to every window's rollups. Call in the transaction that inserted it."""
    _apply("s.id = %s", [survey.pk])


def rebuild_rollups(*, window: SurveyWindow | None = None) -> int:
    """Recompute the rollups of one window (or of all) from the raw surveys; returns the rollup rows written."""
    # Rollups span every organization: this is certifier back-office work across tenants.
    with transaction.atomic(), scopes_disabled():
        windows = SurveyWindow.objects.select_for_update().order_by("id")
        if window is not None:
            windows = windows.filter(pk=window.pk)
        window_ids = list(windows.values_list("id", flat=True))
        if not window_ids:
            return 0
        MonthlyRollup.objects.filter(window_id__in=window_ids).delete()
        placeholders = ", ".join(["%s"] * len(window_ids))
        _apply(f"w.id IN ({placeholders})", window_ids)
        return MonthlyRollup.objects.filter(window_id__in=window_ids).count()
