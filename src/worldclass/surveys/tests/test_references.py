"""A survey never points at a missing organization, site, person or import batch (migration 0005's triggers)."""

import threading

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django_scopes import scopes_disabled

from worldclass.directory.models import Person
from worldclass.directory.tests.factories import OrganizationFactory, SiteFactory
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.tests.factories import create_survey_response

pytestmark = pytest.mark.django_db

MISSING_ID = 2_000_000_000
COLUMNS = [
    "organization_id", "site_id", "supervisor_id", "csr_id", "call_id", "channel", "call_at", "surveyed_at",
    "call_local_date", "survey_local_date", "call_month", "delay_seconds", "business_days_after_call", "resolved",
    "first_call", "rating_scale_min", "rating_scale_max", "overall_sat", "csr_sat", "comment", "is_fcr",
    "is_world_class_call", "content_sha256", "import_batch_id", "created_at",
]  # fmt: skip


def _copy_with(survey: SurveyResponse, **replaced: int) -> None:
    """Insert a copy of `survey` by raw SQL (no ORM in the way), under a new survey_id, with columns replaced."""
    selected = ", ".join("%s" if column in replaced else column for column in COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO surveys_surveyresponse (survey_id, {', '.join(COLUMNS)}) "
            f"SELECT 'copy', {selected} FROM surveys_surveyresponse WHERE id = %s",
            [*(replaced[column] for column in COLUMNS if column in replaced), survey.id],
        )


@pytest.mark.parametrize("column", ["organization_id", "site_id", "supervisor_id", "csr_id", "import_batch_id"])
def test_a_survey_pointing_at_a_missing_row_is_refused(column):
    survey = create_survey_response()
    with pytest.raises(IntegrityError):
        _copy_with(survey, **{column: MISSING_ID})
    with scopes_disabled():
        assert SurveyResponse.objects.count() == 1


def test_a_survey_pointing_at_existing_rows_is_inserted():
    survey = create_survey_response()
    other_site = SiteFactory(organization=OrganizationFactory())
    _copy_with(survey, site_id=other_site.id)
    with scopes_disabled():
        assert SurveyResponse.objects.filter(survey_id="copy").values_list("site_id", flat=True).get() == other_site.id


def _copies_naming(survey: SurveyResponse, csr_ids: list[int]) -> None:
    """One INSERT statement of a copy of `survey` per CSR id, as an import's COPY names many people at once."""
    columns = ", ".join("c.id" if column == "csr_id" else f"s.{column}" for column in COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO surveys_surveyresponse (survey_id, {', '.join(COLUMNS)}) "
            f"SELECT 'copy-' || c.n, {columns} FROM surveys_surveyresponse s, "
            "unnest(%s::bigint[]) WITH ORDINALITY AS c(id, n) WHERE s.id = %s",
            [csr_ids, survey.id],
        )


def _people_of_other_surveys(count: int) -> list[int]:
    return [create_survey_response(survey_id=f"other-{i}").csr_id for i in range(count)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite checks each row by itself")
def test_a_statement_naming_many_people_one_of_them_missing_is_refused():
    survey = create_survey_response()
    people = _people_of_other_surveys(5)
    with pytest.raises(IntegrityError):
        _copies_naming(survey, [*people, MISSING_ID, people[0]])
    with scopes_disabled():
        assert SurveyResponse.objects.count() == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite checks each row by itself")
def test_a_statement_naming_many_people_some_twice_is_inserted():
    survey = create_survey_response()
    people = _people_of_other_surveys(5)
    _copies_naming(survey, [*people, survey.csr_id, people[0]])
    with scopes_disabled():
        assert SurveyResponse.objects.filter(survey_id__startswith="copy-").count() == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite relies on the ORM's PROTECT for deletes")
@pytest.mark.parametrize(
    ("table", "attribute"),
    [
        ("directory_person", "csr_id"),
        ("directory_person", "supervisor_id"),
        ("directory_site", "site_id"),
        ("directory_organization", "organization_id"),
    ],
)
def test_deleting_a_referenced_row_by_raw_sql_is_refused(table, attribute):
    survey = create_survey_response()
    referenced = getattr(survey, attribute)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        # Other rows pointing at it (a CSR's supervisor, a site's people) are detached first, so that only the
        # survey's reference stands in the way.
        cursor.execute("UPDATE directory_person SET supervisor_id = NULL WHERE supervisor_id = %s", [referenced])
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [referenced])
    with scopes_disabled():
        assert SurveyResponse.objects.get().pk == survey.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_changing_a_referenced_id_is_refused():
    survey = create_survey_response()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE directory_person SET id = %s WHERE id = %s", [MISSING_ID, survey.csr_id])
    with scopes_disabled():
        assert Person.objects.filter(id=survey.csr_id).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
@pytest.mark.django_db(transaction=True)
def test_a_parent_of_an_uncommitted_survey_cannot_be_deleted_meanwhile():
    """The reference check locks the parents FOR KEY SHARE: a concurrent delete waits for the survey's transaction
    (here it gives up after a short lock timeout) instead of passing its own guard before the survey commits."""
    survey = create_survey_response()
    outcome = []

    def delete_the_csr():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
                cursor.execute("DELETE FROM directory_person WHERE id = %s", [survey.csr_id])
            outcome.append("deleted")
        except OperationalError as error:
            outcome.append(type(error.__cause__).__name__)
        finally:
            connection.close()

    with transaction.atomic():
        _copy_with(survey, site_id=survey.site_id)
        other = threading.Thread(target=delete_the_csr)
        other.start()
        other.join()
    assert outcome == ["LockNotAvailable"]
