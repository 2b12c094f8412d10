import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from worldclass.accounts.tests.tokens import api_token_for
from worldclass.directory.models import Person
from worldclass.portal.tests.factories import rollups_for

pytestmark = pytest.mark.django_db
JAN, FEB = dt.date(2015, 1, 1), dt.date(2015, 2, 1)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def test_a_token_reads_only_what_the_role_may_see(world):
    body = token_client(world.users["supervisor"]).get("/api/v1/people/").json()
    assert (body["count"], [p["code"] for p in body["results"]]) == (3, ["C1", "C2", "S1"])


def test_sites_filter_by_organization_code(world):
    body = token_client(world.users["certifier_staff"]).get("/api/v1/sites/?organization=globex").json()
    assert [s["code"] for s in body["results"]] == ["nyc"]


def test_monthly_metrics_give_counts_rates_and_intervals(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[JAN], eligible=100, ineligible=4, world_class=80, fcr=75)
    body = token_client(world.users["csr"]).get("/api/v1/monthly-metrics/").json()
    row = body["results"][0]
    assert (row["month"], row["eligible"], row["ineligible"], row["rates"]["wcc"]) == (
        "2015-01",
        100,
        4,
        {"count": 80, "percent": 80.0, "ci95_low": 71.1169, "ci95_high": 86.6634},
    )


def test_monthly_metrics_filter_by_level_and_months(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[JAN, FEB])
        rollups_for(obj=world.site, level="site", months=[JAN, FEB])
    body = (
        token_client(world.users["site_manager"])
        .get("/api/v1/monthly-metrics/?level=site&month_from=2015-02-01")
        .json()
    )
    assert [(r["level"], r["entity_id"], r["month"]) for r in body["results"]] == [("site", world.site.id, "2015-02")]


def test_a_csr_does_not_see_a_teammates_metrics(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[JAN])
        rollups_for(obj=world.teammate, level="csr", months=[JAN])
    body = token_client(world.users["csr"]).get("/api/v1/monthly-metrics/").json()
    assert [r["entity_id"] for r in body["results"]] == [world.csr.id]


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/api/v1/monthly-metrics/", "/api/v1/people/", "/api/v1/sites/"])
def test_api_lists_take_as_many_queries_for_twenty_rows_as_for_two(world, path):
    client = token_client(world.users["org_admin"])

    def add(count: int, prefix: str) -> None:
        with scopes_disabled():
            for n in range(count):
                person = Person.objects.create(organization=world.org, code=f"{prefix}{n}", site=world.site)
                rollups_for(obj=person, level="csr", months=[JAN])
                world.site.__class__.objects.create(organization=world.org, code=f"{prefix}{n}")

    add(2, "A")
    few = _count(client, path)
    add(18, "B")
    assert _count(client, path) == few
