"""GET /api/v1/recovery-cases/: the cases page's list, filters and sort over the API."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.accounts.tests.tokens import api_token_for
from worldclass.operations.models import RecoveryCase
from worldclass.operations.tests.test_recovery_and_reports import UNHAPPY, answer, manager_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(invite, unscoped):
    """Two cases at Toronto: one open and overdue, one closed; the site manager's client."""
    first, second = invite("web", csr="C1"), invite("web", csr="C2")
    answer(Client(), first, UNHAPPY)
    answer(Client(), second, UNHAPPY)
    late, closed = RecoveryCase.objects.order_by("id")
    late.due_at = timezone.now() - dt.timedelta(hours=1)
    late.save(update_fields=["due_at"])
    closed.status, closed.outcome = RecoveryCase.Status.CLOSED, "Called back"
    closed.save(update_fields=["status", "outcome"])
    client = Client()
    client.force_login(manager_of(first.site))
    return client, late, closed


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_lists_the_cases_not_closed_by_default_with_the_overdue_flag(cases):
    client, late, _closed = cases
    [row] = client.get("/api/v1/recovery-cases/").json()["results"]
    assert (row["id"], row["site_code"], row["status"], row["overdue"]) == (late.pk, "tor", "open", True)


def test_gives_the_stored_english_reason_whatever_the_language(cases):
    client, _late, _closed = cases
    [row] = client.get("/api/v1/recovery-cases/", HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    assert row["reason"] == "overall satisfaction 2"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=closed", ["closed"]),
        ("status=open", ["late"]),
        ("overdue=true", ["late"]),
        ("organization=acme", ["late"]),
        ("organization=globex", []),
    ],
)
def test_filters_like_the_cases_page(cases, query, expected):
    client, late, closed = cases
    names = {late.pk: "late", closed.pk: "closed"}
    assert [names[pk] for pk in _ids(client.get(f"/api/v1/recovery-cases/?{query}"))] == expected


def test_a_site_manager_reads_the_cases_with_an_api_token(cases):
    """The token is the user only once DRF authenticates it: the permission is checked in the user's scope."""
    _client, late, _closed = cases
    manager = User.objects.get(role_assignments__role=Role.SITE_MANAGER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(manager)}")
    response = client.get("/api/v1/recovery-cases/")
    assert (response.status_code, _ids(response)) == (200, [late.pk])


def test_filters_by_site(cases):
    client, late, _closed = cases
    assert (
        _ids(client.get(f"/api/v1/recovery-cases/?site={late.site_id}")),
        _ids(client.get(f"/api/v1/recovery-cases/?site={late.site_id + 1000}")),
    ) == ([late.pk], [])


def test_an_unknown_status_is_a_400_naming_the_parameter(cases):
    client, _late, _closed = cases
    response = client.get("/api/v1/recovery-cases/?status=lost")
    assert (response.status_code, [d["field"] for d in response.json()["error"]["details"]]) == (400, ["status"])


def test_a_manager_of_another_site_lists_none(cases):
    _client, late, _closed = cases
    client = Client()
    with_other_site = late.site.organization.sites.create(code="hal", country="CA")
    client.force_login(manager_of(with_other_site))
    assert _ids(client.get("/api/v1/recovery-cases/?status=open")) == []


def test_a_csr_may_not_list_cases(cases):
    _client, late, _closed = cases
    user = User.objects.create_user(username="csr-user", password="x" * 12)
    RoleAssignment.objects.create(user=user, role=Role.CSR, organization=late.organization)
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/recovery-cases/").status_code == 403


def test_reads_as_many_queries_for_many_cases_as_for_one(cases, invite):
    client, _late, _closed = cases
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/recovery-cases/?status=")
    for csr in ("C3", "C4", "C5"):
        answer(Client(), invite("web", csr=csr), UNHAPPY)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/recovery-cases/?status=")
    assert (len(_ids(response)), len(many.captured_queries)) == (4, len(few.captured_queries))
