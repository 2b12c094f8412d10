"""Recompute `SurveyResponse.business_days_after_call` under the corrected rule, then rebuild the rollups of the
business-day windows.

The stored number used to be the business days d with call date < d <= survey date, Monday to Friday everywhere:
a Wednesday call's Saturday survey was 2 business days after it, so it counted within 2 business days. The
published rule (docs/rules.md) is workday arithmetic: the survey's local date is no later than
`numpy.busday_offset(call_date, N, roll="forward")` in the site country's own calendar (its weekend from the
`holidays` package). The stored number is now the business days from the call date to the survey date, both
rolled forward to a business day, never negative; the rollups still compare it with N.

This is a snapshot of the rule and of the rollup SQL as they were written (a migration must give the same result
whatever the application code becomes), and it is set-based: the business days are computed once per distinct
(country, call date, survey date), and only rows whose value changes are written. The append-only trigger is lifted
inside this migration's transaction only.
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np
from django.db import migrations

from worldclass.core.append_only import append_only_trigger_lifted

FIRST_HOLIDAY_YEAR = 1990
LAST_HOLIDAY_YEAR = 2060
COUNTS = ["eligible", "ineligible", "world_class", "fcr", "resolved", "overall_top_box", "csr_top_box"]
COUNTED = {
    "world_class": "s.is_world_class_call",
    "fcr": "s.is_fcr",
    "resolved": "s.resolved",
    "overall_top_box": "s.overall_sat = s.rating_scale_max",
    "csr_top_box": "s.csr_sat = s.rating_scale_max",
}
LEVEL_ENTITY = {"csr": "csr_id", "supervisor": "supervisor_id", "site": "site_id", "organization": "organization_id"}


def _calendar(country: str) -> np.busdaycalendar | None:
    """The country's working week and national holidays; Saturday and Sunday without a country; None if unknown."""
    if not country:
        return np.busdaycalendar(weekmask="1111100")
    try:
        national = holidays.country_holidays(country, years=range(FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR + 1))
    except NotImplementedError:
        return None
    weekmask = "".join("0" if day in national.weekend else "1" for day in range(7))
    return np.busdaycalendar(weekmask=weekmask, holidays=np.array(sorted(national), dtype="datetime64[D]"))


def corrected_business_days(rows: list[tuple[str, object, object, int]]) -> list[tuple[str, dt.date, dt.date, int]]:
    """From distinct (country, call date, survey date, stored value): those whose corrected value differs, with it.
    Rows of a country the `holidays` package does not know are left as they are."""
    by_country: dict[str, list[tuple[str, str, int]]] = {}
    for country, call_date, survey_date, stored in rows:
        by_country.setdefault(country, []).append((str(call_date), str(survey_date), stored))
    changes = []
    for country, triples in sorted(by_country.items()):
        calendar = _calendar(country.strip().upper())
        if calendar is None:
            continue
        starts = np.array([t[0] for t in triples], dtype="datetime64[D]")
        ends = np.array([t[1] for t in triples], dtype="datetime64[D]")
        stored = np.array([t[2] for t in triples], dtype=np.int64)
        rolled_starts = np.busday_offset(starts, 0, roll="forward", busdaycal=calendar)
        rolled_ends = np.busday_offset(ends, 0, roll="forward", busdaycal=calendar)
        corrected = np.maximum(np.busday_count(rolled_starts, rolled_ends, busdaycal=calendar), 0)
        for index in np.flatnonzero(corrected != stored):
            changes.append(
                (country, starts[index].astype(dt.date), ends[index].astype(dt.date), int(corrected[index]))
            )
    return changes


def _rollup_sql(*, surveys: str, rollups: str, windows: list[tuple[int, int]]) -> str:
    """Every business-day window's rollups from the surveys: one pass, one row per window, level, entity, month."""
    fine_columns = []
    for window_id, business_days in windows:
        eligible = f"s.delay_seconds >= 0 AND s.business_days_after_call <= {int(business_days)}"
        fine_columns.append(f"SUM(CASE WHEN {eligible} THEN 1 ELSE 0 END) AS eligible_{window_id}")
        for name, condition in COUNTED.items():
            fine_columns.append(f"SUM(CASE WHEN {eligible} AND {condition} THEN 1 ELSE 0 END) AS {name}_{window_id}")
    fine = (
        "SELECT s.organization_id, s.site_id, s.supervisor_id, s.csr_id, s.call_month, COUNT(*) AS surveys, "
        + ", ".join(fine_columns)
        + f" FROM {surveys} s GROUP BY s.organization_id, s.site_id, s.supervisor_id, s.csr_id, s.call_month"
    )
    per_window = " UNION ALL ".join(
        f"SELECT {window_id} AS window_id, organization_id, site_id, supervisor_id, csr_id, call_month, "
        f"eligible_{window_id} AS eligible, surveys - eligible_{window_id} AS ineligible, "
        + ", ".join(f"{name}_{window_id} AS {name}" for name in COUNTED)
        + " FROM fine"
        for window_id, _ in windows
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


def recompute_business_days(apps, schema_editor) -> None:
    surveys = apps.get_model("surveys", "SurveyResponse")._meta.db_table
    sites = apps.get_model("directory", "Site")._meta.db_table
    rollups = apps.get_model("certification", "MonthlyRollup")._meta.db_table
    window_model = apps.get_model("certification", "SurveyWindow")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.country, s.call_local_date, s.survey_local_date, s.business_days_after_call "
            f"FROM {surveys} s JOIN {sites} d ON d.id = s.site_id "
            "GROUP BY d.country, s.call_local_date, s.survey_local_date, s.business_days_after_call"
        )
        changes = corrected_business_days(cursor.fetchall())
        if not changes:
            return
        cursor.execute(
            "CREATE TEMPORARY TABLE business_days_fix "
            "(country varchar(2) NOT NULL, call_local_date date NOT NULL, survey_local_date date NOT NULL, "
            "business_days integer NOT NULL)"
        )
        cursor.executemany("INSERT INTO business_days_fix VALUES (%s, %s, %s, %s)", changes)
        cursor.execute(
            "CREATE INDEX business_days_fix_key ON business_days_fix (country, call_local_date, survey_local_date)"
        )
        cursor.execute("ANALYZE business_days_fix")
        with append_only_trigger_lifted(schema_editor, surveys):
            cursor.execute(
                f"UPDATE {surveys} SET business_days_after_call = f.business_days "
                f"FROM business_days_fix f, {sites} d "
                f"WHERE d.id = {surveys}.site_id AND f.country = d.country "
                f"AND f.call_local_date = {surveys}.call_local_date "
                f"AND f.survey_local_date = {surveys}.survey_local_date"
            )
        cursor.execute("DROP TABLE business_days_fix")
        business_day_windows = window_model.objects.filter(kind="business_days").order_by("id")
        windows = list(business_day_windows.values_list("id", "business_days"))
        if windows:
            ids = ", ".join(str(int(window_id)) for window_id, _ in windows)
            cursor.execute(f"DELETE FROM {rollups} WHERE window_id IN ({ids})")
            cursor.execute(_rollup_sql(surveys=surveys, rollups=rollups, windows=windows))


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_redundant_fk_indexes"),
        ("directory", "0001_initial"),
        ("certification", "0002_editions_2008_2015"),
    ]

    # Forwards only in effect: the old numbers were wrong, and re-deriving them would only reintroduce the error.
    operations = [migrations.RunPython(recompute_business_days, migrations.RunPython.noop)]
