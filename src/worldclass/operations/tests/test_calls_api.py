import pytest
from rest_framework.test import APIClient

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.accounts.tests.tokens import api_token_for
from worldclass.directory.models import Organization
from worldclass.operations.models import Call
from worldclass.operations.tests.factories import call_row

pytestmark = pytest.mark.django_db


def client_for(role, organization=None):
    user = User.objects.create_user(username=f"{role}-{organization.code if organization else 'x'}", password="x" * 12)
    RoleAssignment.objects.create(user=user, role=role, organization=organization)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


@pytest.fixture
def acme():
    return Organization.objects.create(code="acme", name="Acme")


def test_org_admin_imports_a_batch(acme, unscoped):
    response = client_for(Role.ORG_ADMIN, acme).post(
        "/api/v1/calls/", {"organization": "acme", "calls": [call_row(), call_row()]}, format="json"
    )
    assert (response.status_code, response.json()["rows_created"]) == (201, 2)
    assert Call.objects.count() == 2


def test_repeating_a_batch_changes_nothing(acme, unscoped):
    client = client_for(Role.ORG_ADMIN, acme)
    batch = {"organization": "acme", "calls": [call_row()]}
    client.post("/api/v1/calls/", batch, format="json")
    again = client.post("/api/v1/calls/", batch, format="json")
    assert (again.status_code, again.json()["rows_unchanged"], Call.objects.count()) == (200, 1, 1)


def test_an_admin_of_another_organization_is_refused(acme, unscoped):
    globex = Organization.objects.create(code="globex", name="Globex")
    response = client_for(Role.ORG_ADMIN, globex).post(
        "/api/v1/calls/", {"organization": "acme", "calls": [call_row()]}, format="json"
    )
    assert response.status_code == 403
    assert Call.objects.count() == 0


def test_rows_naming_another_organization_are_refused(acme, unscoped):
    response = client_for(Role.ORG_ADMIN, acme).post(
        "/api/v1/calls/", {"organization": "acme", "calls": [call_row(), call_row(org="globex")]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"message": "names organization globex, not acme", "field": "org", "line": 2}
    ]


def test_certifier_staff_import_for_the_organization_they_name(acme, unscoped):
    response = client_for(Role.CERTIFIER_STAFF).post(
        "/api/v1/calls/", {"organization": "acme", "calls": [call_row()]}, format="json"
    )
    assert response.status_code == 201


def test_invalid_rows_are_reported_by_position(acme, unscoped):
    response = client_for(Role.ORG_ADMIN, acme).post(
        "/api/v1/calls/", {"organization": "acme", "calls": [call_row(), call_row(language="es")]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [{"message": "must be en or fr", "field": "language", "line": 2}]
    assert Call.objects.count() == 0


def test_site_managers_cannot_import(acme):
    response = client_for(Role.SITE_MANAGER, acme).post(
        "/api/v1/calls/", {"organization": "acme", "calls": [call_row()]}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("changes", "line", "field", "message"),
    [
        ({"queue": "a\x00b"}, None, "calls.1.queue", "Null characters are not allowed."),
        ({"ended_at": "9999-12-31T23:59:59-12:00"}, 2, "ended_at", "is outside the years 1900 to 2200"),
        ({"started_at": "0001-01-01T00:00:00+14:00"}, 2, "started_at", "is outside the years 1900 to 2200"),
    ],
    ids=["nul", "year-9999", "year-1"],
)
def test_a_hostile_call_in_a_batch_answers_400_naming_it(acme, unscoped, changes, line, field, message):
    response = client_for(Role.ORG_ADMIN, acme).post(
        "/api/v1/calls/", {"organization": "acme", "calls": [call_row(), call_row(**changes)]}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert [(d.get("line"), d.get("field"), d["message"]) for d in response.json()["error"]["details"]] == [
        (line, field, message)
    ]
    assert Call.objects.count() == 0
