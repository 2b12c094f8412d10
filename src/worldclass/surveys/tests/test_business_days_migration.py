"""Migration 0004 recomputes stored business days under the corrected rule and rebuilds the rollups."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from worldclass.directory.tests.factories import SiteFactory
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.tests.factories import create_survey_response
from worldclass.surveys.tests.migrations import (  # noqa: F401 (as_owner is a fixture)
    TABLE,
    SchemaEditor,
    as_owner,
    rollups,
    store_old_values,
)

# A migration runs as the tables' owner (docs/deployment.md), never as the application's role: so do these tests,
# which therefore cannot run inside the test's transaction (reconnecting would end it).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("unscoped", "as_owner")]
migration = importlib.import_module("worldclass.surveys.migrations.0004_business_days_rolled_forward")
CAIRO = dt.timezone(dt.timedelta(hours=2))
TORONTO = dt.timezone(dt.timedelta(hours=-5))


def at(text: str, zone: dt.timezone) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


def test_the_migration_recomputes_business_days_and_rebuilds_the_rollups():
    toronto, cairo, nowhere = SiteFactory(country="CA"), SiteFactory(country="EG"), SiteFactory(country="")
    surveys = {
        # Wednesday call, Saturday survey: the old rule counted 2 (Thursday, Friday); it is 3 (after Friday).
        "wed-sat": create_survey_response(
            site=toronto, call_at=at("2025-02-12T10:00", TORONTO), surveyed_at=at("2025-02-15T10:00", TORONTO)
        ),
        # Saturday call, Wednesday survey: the old rule counted 3 (Mon, Tue, Wed); the call rolls to Monday: 2.
        "sat-wed": create_survey_response(
            site=nowhere, call_at=at("2025-03-01T10:00", TORONTO), surveyed_at=at("2025-03-05T10:00", TORONTO)
        ),
        # Egypt, Thursday call, Monday survey: the old rule counted Friday and Monday; Sunday and Monday now: 2.
        "eg-thu-mon": create_survey_response(
            site=cairo, call_at=at("2025-02-13T10:00", CAIRO), surveyed_at=at("2025-02-17T10:00", CAIRO)
        ),
        # Egypt, Friday call, Sunday survey: the old rule counted 0; the call rolls to Sunday, so still 0.
        "eg-fri-sun": create_survey_response(
            site=cairo, call_at=at("2025-02-14T10:00", CAIRO), surveyed_at=at("2025-02-16T10:00", CAIRO)
        ),
    }
    corrected = {name: survey.business_days_after_call for name, survey in surveys.items()}
    assert corrected == {"wed-sat": 3, "sat-wed": 2, "eg-thu-mon": 2, "eg-fri-sun": 0}
    expected_rollups = rollups()
    old = {"wed-sat": 2, "sat-wed": 3, "eg-thu-mon": 2, "eg-fri-sun": 0}
    store_old_values("business_days_after_call", {surveys[name].pk: value for name, value in old.items()})
    assert rollups() != expected_rollups

    with transaction.atomic():  # as the migration runs
        migration.recompute_business_days(apps, SchemaEditor())

    stored = dict(SurveyResponse.objects.values_list("survey_id", "business_days_after_call"))
    assert {name: stored[survey.survey_id] for name, survey in surveys.items()} == corrected
    assert rollups() == expected_rollups


def test_the_append_only_trigger_is_back_after_the_migration():
    survey = create_survey_response(
        site=SiteFactory(country="CA"),
        call_at=at("2025-02-12T10:00", TORONTO),
        surveyed_at=at("2025-02-15T10:00", TORONTO),
    )
    store_old_values("business_days_after_call", {survey.pk: 2})
    with transaction.atomic():  # as the migration runs
        migration.recompute_business_days(apps, SchemaEditor())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET business_days_after_call = 0 WHERE id = %s", [survey.pk])


def test_distinct_dates_are_computed_once_and_only_changes_are_returned():
    rows = [
        ("CA", "2025-02-12", "2025-02-15", 2),  # wrong: Saturday is after Friday's deadline
        ("CA", "2025-02-12", "2025-02-14", 2),  # right already
        ("EG", dt.date(2025, 2, 13), dt.date(2025, 2, 16), 1),  # right already (PostgreSQL returns dates)
        ("ZZ", "2025-02-12", "2025-02-15", 2),  # a country the holidays package does not know: left alone
    ]
    assert migration.corrected_business_days(rows) == [("CA", dt.date(2025, 2, 12), dt.date(2025, 2, 15), 3)]


def test_migrate_corrects_a_database_written_under_the_old_rule():
    survey = create_survey_response(
        site=SiteFactory(country="CA"),
        call_at=at("2025-02-12T10:00", TORONTO),
        surveyed_at=at("2025-02-15T10:00", TORONTO),
    )
    expected_rollups = rollups()
    executor = MigrationExecutor(connection)
    executor.migrate([("surveys", "0003_redundant_fk_indexes")])
    with transaction.atomic():
        store_old_values("business_days_after_call", {survey.pk: 2})

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert SurveyResponse.objects.get(pk=survey.pk).business_days_after_call == 3
    assert rollups() == expected_rollups
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET business_days_after_call = 0 WHERE id = %s", [survey.pk])
