"""GET /api/v1/certification-runs/: staff's runs, newest first, filtered by program year, edition and month."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from worldclass.certificates.tests.factories import CertificationRunFactory, edition, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]
URL = "/api/v1/certification-runs/"


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(user_with_role("staff", "certifier_staff", is_staff=True))
    return client


@pytest.fixture
def runs():
    """A 2015 run through June, another through July, and a 2014 run under the 2014 edition."""
    return {
        "june": CertificationRunFactory(program_year=2015, through_month=dt.date(2015, 6, 1)),
        "july": CertificationRunFactory(program_year=2015, through_month=dt.date(2015, 7, 1)),
        "2014": CertificationRunFactory(program_year=2014, edition=edition(2014), through_month=dt.date(2014, 9, 1)),
    }


def _names(runs, response) -> list[str]:
    names = {run.pk: name for name, run in runs.items()}
    return [names[row["id"]] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["2014", "july", "june"]),
        ({"program_year": 2015}, ["july", "june"]),
        ({"edition": 2014}, ["2014"]),
        ({"through_from": "2015-07-01"}, ["july"]),
        ({"through_to": "2015-06-01"}, ["2014", "june"]),
    ],
)
def test_runs_filter_by_program_year_edition_and_month(staff_client, runs, query, expected):
    assert _names(runs, staff_client.get(URL, query)) == expected


def test_a_run_shows_its_edition_year_and_month(staff_client, runs):
    row = staff_client.get(URL, {"program_year": 2014}).json()["results"][0]
    assert (row["edition"], row["through_month"]) == (2014, "2014-09-01")


def test_runs_read_as_many_queries_for_many_runs_as_for_one(staff_client):
    CertificationRunFactory()
    with CaptureQueriesContext(connection) as few:
        staff_client.get(URL)
    for _index in range(4):
        CertificationRunFactory()
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(URL)
    assert (response.json()["count"], len(many)) == (5, len(few))
