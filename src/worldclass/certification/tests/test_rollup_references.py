"""A monthly rollup never points at a missing survey window or organization (migration 0007's triggers)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from worldclass.certification.models import MonthlyRollup, SurveyWindow
from worldclass.certification.tests.factories import MonthlyRollupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]

MISSING_ID = 2_000_000_000
COUNTS = "eligible, ineligible, world_class, fcr, resolved, overall_top_box, csr_top_box"


def _copy_with(rollup: MonthlyRollup, **replaced: int) -> None:
    """Insert a copy of `rollup` by raw SQL (no ORM in the way), for the next entity, with columns replaced."""
    columns = ["window_id", "organization_id"]
    selected = ", ".join("%s" if column in replaced else column for column in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO certification_monthlyrollup ({', '.join(columns)}, level, entity_id, month, {COUNTS}) "
            f"SELECT {selected}, level, entity_id + 1, month, {COUNTS} FROM certification_monthlyrollup WHERE id = %s",
            [*(replaced[column] for column in columns if column in replaced), rollup.id],
        )


@pytest.mark.parametrize("column", ["window_id", "organization_id"])
def test_a_rollup_pointing_at_a_missing_row_is_refused(column):
    rollup = MonthlyRollupFactory()
    with pytest.raises(IntegrityError):
        _copy_with(rollup, **{column: MISSING_ID})
    assert list(MonthlyRollup.objects.values_list("id", flat=True)) == [rollup.id]


def test_a_rollup_pointing_at_existing_rows_is_inserted():
    rollup = MonthlyRollupFactory()
    other = SurveyWindow.objects.get(code="10min-24h")
    _copy_with(rollup, window_id=other.id)
    assert MonthlyRollup.objects.filter(entity_id=rollup.entity_id + 1).values_list("window_id", flat=True).get() == (
        other.id
    )


@pytest.mark.parametrize("column", ["window_id", "organization_id"])
def test_pointing_a_rollup_at_a_missing_row_is_refused(column):
    rollup = MonthlyRollupFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE certification_monthlyrollup SET {column} = %s WHERE id = %s", [MISSING_ID, rollup.id])
    assert MonthlyRollup.objects.values_list(column, flat=True).get() == getattr(rollup, column)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite relies on the ORM's PROTECT and CASCADE")
@pytest.mark.parametrize(
    ("table", "column"), [("certification_surveywindow", "window_id"), ("directory_organization", "organization_id")]
)
def test_deleting_a_referenced_row_by_raw_sql_is_refused(table, column):
    window = SurveyWindow.objects.create(code="w", kind="business_days", business_days=1, description="1 day")
    rollup = MonthlyRollupFactory(window=window)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [getattr(rollup, column)])
    assert MonthlyRollup.objects.get().pk == rollup.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_changing_a_referenced_window_id_is_refused():
    rollup = MonthlyRollupFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE certification_surveywindow SET id = %s WHERE id = %s", [MISSING_ID, rollup.window_id])
    assert SurveyWindow.objects.filter(id=rollup.window_id).exists()


def test_deleting_an_organization_with_rollups_is_refused():
    rollup = MonthlyRollupFactory()
    with pytest.raises(ProtectedError):
        rollup.organization.delete()


def test_deleting_a_window_deletes_its_rollups():
    window = SurveyWindow.objects.create(code="w", kind="business_days", business_days=1, description="1 day")
    kept = MonthlyRollupFactory()
    MonthlyRollupFactory(window=window, organization=kept.organization)
    window.delete()
    assert list(MonthlyRollup.objects.values_list("id", flat=True)) == [kept.id]
