"""Migration 0009 recomputes the delays that live answers stored as wall-clock time across a change of daylight
saving time, and counts their organization-months again."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from worldclass.certification.domain.integrity import check_surveys
from worldclass.certification.models import MonthlyRollup
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

# As the business-days migration's tests: a migration runs as the tables' owner, outside the test's transaction.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("unscoped", "as_owner")]
migration = importlib.import_module("worldclass.surveys.migrations.0009_delay_in_elapsed_time")
TORONTO = ZoneInfo("America/Toronto")


def live_answer(call_at: dt.datetime, surveyed_at: dt.datetime, site):
    return create_survey_response(
        site=site, call_at=call_at.replace(tzinfo=TORONTO), surveyed_at=surveyed_at.replace(tzinfo=TORONTO)
    )


def test_the_migration_recomputes_wall_clock_delays_and_counts_their_months_again():
    site = SiteFactory(country="CA")
    # Toronto springs forward on 8 March 2026: 24.5 wall-clock hours are 23.5 hours, within 24 hours after all.
    spring = live_answer(dt.datetime(2026, 3, 7, 10, 0), dt.datetime(2026, 3, 8, 10, 30), site)
    # and falls back on 1 November 2026: 20 wall-clock hours are 21.
    autumn = live_answer(dt.datetime(2026, 10, 31, 12, 0), dt.datetime(2026, 11, 1, 8, 0), site)
    # A survey in another month, not crossing any change: left as it is.
    plain = live_answer(dt.datetime(2026, 6, 10, 10, 0), dt.datetime(2026, 6, 10, 11, 0), site)
    assert [s.delay_seconds for s in (spring, autumn, plain)] == [23 * 3600 + 1800, 21 * 3600, 3600]
    expected_rollups = rollups()
    store_old_values("delay_seconds", {spring.pk: 24 * 3600 + 1800, autumn.pk: 20 * 3600})
    assert rollups() != expected_rollups
    assert not check_surveys().ok

    with transaction.atomic():  # as the migration runs
        migration.recompute_delays(apps, SchemaEditor())

    stored = dict(SurveyResponse.objects.values_list("pk", "delay_seconds"))
    assert [stored[s.pk] for s in (spring, autumn, plain)] == [23 * 3600 + 1800, 21 * 3600, 3600]
    assert rollups() == expected_rollups
    assert check_surveys().ok


def test_a_database_without_wall_clock_delays_is_left_untouched():
    live_answer(dt.datetime(2026, 3, 7, 10, 0), dt.datetime(2026, 3, 8, 10, 30), SiteFactory(country="CA"))
    ids_before = sorted(MonthlyRollup.objects.values_list("id", flat=True))
    with transaction.atomic():
        migration.recompute_delays(apps, SchemaEditor())
    assert sorted(MonthlyRollup.objects.values_list("id", flat=True)) == ids_before


def test_the_append_only_trigger_is_back_after_the_migration():
    survey = live_answer(dt.datetime(2026, 3, 7, 10, 0), dt.datetime(2026, 3, 8, 10, 30), SiteFactory(country="CA"))
    store_old_values("delay_seconds", {survey.pk: 24 * 3600 + 1800})
    with transaction.atomic():
        migration.recompute_delays(apps, SchemaEditor())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET delay_seconds = 0 WHERE id = %s", [survey.pk])


def test_migrate_corrects_a_database_that_stored_wall_clock_delays():
    survey = live_answer(dt.datetime(2026, 3, 7, 10, 0), dt.datetime(2026, 3, 8, 10, 30), SiteFactory(country="CA"))
    expected_rollups = rollups()
    executor = MigrationExecutor(connection)
    executor.migrate([("surveys", "0008_fewer_survey_indexes_one_pass_reference_check")])
    store_old_values("delay_seconds", {survey.pk: 24 * 3600 + 1800})

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert SurveyResponse.objects.get(pk=survey.pk).delay_seconds == 23 * 3600 + 1800
    assert rollups() == expected_rollups
