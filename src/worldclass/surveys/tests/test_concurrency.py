import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from worldclass.certification.models import MonthlyRollup
from worldclass.surveys.domain.importing import import_surveys
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
