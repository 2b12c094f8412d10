import threading
import time

import pytest
from django.db import connection, transaction
from django_scopes import scopes_disabled

from worldclass.certification.models import MonthlyRollup
from worldclass.surveys.domain.importing import _Stage, import_surveys
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.tests.csvfiles import rows, write_csv


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_imports_do_not_double_count(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    first = write_csv(tmp_path / "a.csv", rows(30))
    second = write_csv(tmp_path / "b.csv", rows(40)[10:])
    start = threading.Barrier(2)
    failures = []

    def run(path):
        try:
            start.wait()
            import_surveys(path=path, actor="tests")
        except Exception as error:  # reported below, with the test's own assertion
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(path,)) for path in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with scopes_disabled():
        assert SurveyResponse.objects.count() == 40
        site = MonthlyRollup.objects.get(level="site", window__code="10min-24h")
        assert (site.eligible, site.ineligible) == (40, 0)


@pytest.mark.django_db(transaction=True)
def test_a_survey_committed_by_another_writer_during_an_import_is_left_to_it(tmp_path, monkeypatch):
    """The import leaves known surveys out by an anti-join; one committed by another writer (a live answer) while the
    import inserts collides on the unique key: the import's insert is undone and run again, skipping it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    import_surveys(path=write_csv(tmp_path / "first.csv", rows(10)), actor="tests")
    insert = _Stage._insert_surveys
    attempts = []

    def insert_while_another_writer_commits(stage, params, *, on_conflict):
        attempts.append(on_conflict)
        if len(attempts) == 1:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT content_sha256 FROM {stage.name} WHERE survey_id = 's15'")
                (checksum,) = cursor.fetchone()
            inserted = threading.Event()
            writer = threading.Thread(target=_insert_copy_then_commit, args=("s15", checksum, inserted))
            writer.start()
            inserted.wait(timeout=10)
            try:
                return insert(stage, params, on_conflict=on_conflict)  # waits for the writer's commit, then collides
            finally:
                writer.join()
        return insert(stage, params, on_conflict=on_conflict)

    monkeypatch.setattr(_Stage, "_insert_surveys", insert_while_another_writer_commits)
    report = import_surveys(path=write_csv(tmp_path / "second.csv", rows(20)), actor="tests")
    with scopes_disabled():
        stored = SurveyResponse.objects.count()
    assert (len(attempts), report.rows_created, report.rows_unchanged, stored) == (2, 9, 11, 20)


def _insert_copy_then_commit(survey_id: str, checksum: str, inserted: threading.Event) -> None:
    """Another connection inserts a copy of survey s1 as `survey_id` with the file's checksum, and commits a moment
    after the import has started inserting."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO surveys_surveyresponse (survey_id, content_sha256, {', '.join(_COPIED)}) "
                f"SELECT %s, %s, {', '.join(_COPIED)} FROM surveys_surveyresponse WHERE survey_id = 's1'",
                [survey_id, checksum],
            )
            inserted.set()
            time.sleep(0.5)
    finally:
        inserted.set()
        connection.close()


_COPIED = [
    "organization_id", "site_id", "supervisor_id", "csr_id", "call_id", "channel", "call_at", "surveyed_at",
    "call_local_date", "survey_local_date", "call_month", "delay_seconds", "business_days_after_call", "resolved",
    "first_call", "rating_scale_min", "rating_scale_max", "overall_sat", "csr_sat", "comment", "is_fcr",
    "is_world_class_call", "import_batch_id", "created_at",
]  # fmt: skip
