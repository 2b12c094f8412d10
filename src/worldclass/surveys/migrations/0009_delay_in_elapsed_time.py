"""Recompute `SurveyResponse.delay_seconds` where it is not the time elapsed between the stored instants, then
rebuild the rollups of the organization-months those surveys are in.

A live answer (web, IVR, interview) recorded its call and survey times in the site's zone, and the delay was their
difference as Python takes it for two times of one zone: wall-clock time. A survey taken across a change of daylight
saving time was stored an hour off, which moved it in or out of the minute windows (and, within an hour of the call,
out of every window). Imported surveys were always right. `verify-surveys` names the wrong rows.

As migration 0004, this is a snapshot of the rule and of the rollup SQL as they were written, and it is set-based:
one pass finds the rows whose delay differs from their instants (a few live answers), only those are written, and
only their organization-months are counted again. The append-only trigger is lifted inside this migration's
transaction only.
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations

from worldclass.core.append_only import append_only_trigger_lifted

COUNTS = ["eligible", "ineligible", "world_class", "fcr", "resolved", "overall_top_box", "csr_top_box"]
COUNTED = {
    "world_class": "s.is_world_class_call",
    "fcr": "s.is_fcr",
    "resolved": "s.resolved",
    "overall_top_box": "s.overall_sat = s.rating_scale_max",
    "csr_top_box": "s.csr_sat = s.rating_scale_max",
}
LEVEL_ENTITY = {"csr": "csr_id", "supervisor": "supervisor_id", "site": "site_id", "organization": "organization_id"}
MONTHS = "delay_fix_months"


def _instant(value) -> dt.datetime:
    """A stored instant as an aware datetime: PostgreSQL returns one; SQLite Django's UTC text or a naive UTC value."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def elapsed_seconds(call_at, surveyed_at) -> int:
    """Whole seconds from the call to the survey, rounded down: the rule of `derive_eligibility_inputs`."""
    return (_instant(surveyed_at) - _instant(call_at)) // dt.timedelta(seconds=1)


def _eligible_sql(kind: str, min_minutes, max_minutes, business_days) -> str:
    if kind == "minutes":
        return f"s.delay_seconds >= {int(min_minutes) * 60} AND s.delay_seconds <= {int(max_minutes) * 60}"
    return f"s.delay_seconds >= 0 AND s.business_days_after_call <= {int(business_days)}"


def _rollup_sql(*, surveys: str, rollups: str, windows: list[tuple]) -> str:
    """Every window's rollups of the surveys in the organization-months of `MONTHS`."""
    fine_columns = []
    for window_id, *rule in windows:
        eligible = _eligible_sql(*rule)
        fine_columns.append(f"SUM(CASE WHEN {eligible} THEN 1 ELSE 0 END) AS eligible_{window_id}")
        for name, condition in COUNTED.items():
            fine_columns.append(f"SUM(CASE WHEN {eligible} AND {condition} THEN 1 ELSE 0 END) AS {name}_{window_id}")
    fine = (
        "SELECT s.organization_id, s.site_id, s.supervisor_id, s.csr_id, s.call_month, COUNT(*) AS surveys, "
        + ", ".join(fine_columns)
        + f" FROM {surveys} s WHERE EXISTS (SELECT 1 FROM {MONTHS} m "
        "WHERE m.organization_id = s.organization_id AND m.month = s.call_month) "
        "GROUP BY s.organization_id, s.site_id, s.supervisor_id, s.csr_id, s.call_month"
    )
    per_window = " UNION ALL ".join(
        f"SELECT {window_id} AS window_id, organization_id, site_id, supervisor_id, csr_id, call_month, "
        f"eligible_{window_id} AS eligible, surveys - eligible_{window_id} AS ineligible, "
        + ", ".join(f"{name}_{window_id} AS {name}" for name in COUNTED)
        + " FROM fine"
        for window_id, *_rule in windows
    )
    sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTS)
    per_level = " UNION ALL ".join(
        f"SELECT window_id, organization_id, '{level}' AS level, {column} AS entity_id, call_month, {sums} "
        f"FROM by_window GROUP BY window_id, organization_id, {column}, call_month"
        for level, column in LEVEL_ENTITY.items()
    )
    columns = ", ".join(COUNTS)
    return (
        f"WITH fine AS ({fine}), by_window AS ({per_window}) "
        f"INSERT INTO {rollups} (window_id, organization_id, level, entity_id, month, {columns}) "
        f"SELECT window_id, organization_id, level, entity_id, call_month, {columns} FROM ({per_level}) per_level"
    )


def recompute_delays(apps, schema_editor) -> None:
    surveys = apps.get_model("surveys", "SurveyResponse")._meta.db_table
    rollups = apps.get_model("certification", "MonthlyRollup")._meta.db_table
    window_model = apps.get_model("certification", "SurveyWindow")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        differs = "s.delay_seconds <> FLOOR(EXTRACT(EPOCH FROM s.surveyed_at - s.call_at))"
    else:
        # Julian days are exact to well under a second here; a wrong delay is off by half an hour or more.
        differs = "ABS(s.delay_seconds - (julianday(s.surveyed_at) - julianday(s.call_at)) * 86400.0) >= 1"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id, s.organization_id, s.call_month, s.call_at, s.surveyed_at, s.delay_seconds "
            f"FROM {surveys} s WHERE {differs}"
        )
        changes, months = [], set()
        for pk, organization_id, month, call_at, surveyed_at, stored in cursor.fetchall():
            elapsed = elapsed_seconds(call_at, surveyed_at)
            if elapsed != stored:
                changes.append((elapsed, pk))
                months.add((organization_id, month))
        if not changes:
            return
        with append_only_trigger_lifted(schema_editor, surveys):
            cursor.executemany(f"UPDATE {surveys} SET delay_seconds = %s WHERE id = %s", changes)
        cursor.execute(f"CREATE TEMPORARY TABLE {MONTHS} (organization_id bigint NOT NULL, month date NOT NULL)")
        cursor.executemany(f"INSERT INTO {MONTHS} VALUES (%s, %s)", sorted(months))
        cursor.execute(
            f"DELETE FROM {rollups} WHERE EXISTS (SELECT 1 FROM {MONTHS} m "
            f"WHERE m.organization_id = {rollups}.organization_id AND m.month = {rollups}.month)"
        )
        windows = list(
            window_model.objects.order_by("id").values_list("id", "kind", "min_minutes", "max_minutes", "business_days")
        )
        if windows:
            cursor.execute(_rollup_sql(surveys=surveys, rollups=rollups, windows=windows))
        cursor.execute(f"DROP TABLE {MONTHS}")


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0008_fewer_survey_indexes_one_pass_reference_check"),
        ("certification", "0007_rollup_references_checked_setwise"),
    ]

    # Forwards only in effect: the old numbers were wrong, and re-deriving them would only reintroduce the error.
    operations = [migrations.RunPython(recompute_delays, migrations.RunPython.noop)]
