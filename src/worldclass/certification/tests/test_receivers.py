"""Certification hears of new surveys by `surveys_recorded` and writes their rollups in the same transaction."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from worldclass.certification.domain import rollups
from worldclass.certification.models import MonthlyRollup
from worldclass.directory.tests.factories import SiteFactory
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.models import ImportBatch, SurveyResponse
from worldclass.surveys.tests.csvfiles import rows, write_csv
from worldclass.surveys.tests.factories import create_survey_response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]


@pytest.fixture
def failing_rollup_write(monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    # Both ways of writing a batch's rollups: its tallied rows' COPY and the statements over its surveys.
    monkeypatch.setattr(rollups, "_write", fail)
    monkeypatch.setattr(rollups, "_copy_rows", fail)


def record_one_survey():
    call_at = dt.datetime(2025, 3, 12, 10, 0, tzinfo=dt.UTC)
    return create_survey_response(site=SiteFactory(country="CA"), call_at=call_at, delay=dt.timedelta(minutes=30))


def test_an_imported_batch_is_in_the_rollups_when_the_import_returns(tmp_path):
    report = import_surveys(path=write_csv(tmp_path / "s.csv", rows(3)), actor="tests")
    assert MonthlyRollup.objects.filter(level="organization").values_list("eligible", flat=True).distinct().get() == 3
    assert {(window["surveys"], window["eligible"]) for window in report.eligibility} == {(3, 3)}


def test_a_recorded_survey_is_in_the_rollups_when_recording_returns():
    record_one_survey()
    assert sorted(MonthlyRollup.objects.filter(level="csr").values_list("eligible", flat=True)) == [1, 1, 1]


def test_a_failing_rollup_write_rolls_the_imported_surveys_back(tmp_path, failing_rollup_write):
    with pytest.raises(DatabaseError):
        import_surveys(path=write_csv(tmp_path / "s.csv", rows(3)), actor="tests")
    assert (SurveyResponse.objects.count(), ImportBatch.objects.filter(rows_created__gt=0).count()) == (0, 0)


def test_a_failing_rollup_write_rolls_the_recorded_survey_back(failing_rollup_write):
    # The caller's transaction (here the test's block) is undone with it: recording takes no savepoint of its own.
    with pytest.raises(DatabaseError), transaction.atomic():
        record_one_survey()
    assert SurveyResponse.objects.count() == 0
