"""/admin/: what the certifier-staff role may manage there, and the decisions nobody edits there."""

import pytest
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.accounts.tests.world import build_role_world
from worldclass.certification.domain.runs import run_certification
from worldclass.certification.models import Certification, Edition, ProgramYear
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.models import AuditEvent
from worldclass.core.months import Month
from worldclass.directory.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_role_world()


@pytest.fixture
def role_only_staff():
    """Certifier staff by role alone, without Django's is_staff flag."""
    user = User.objects.create_user(username="role-staff", password="x")
    RoleAssignment.objects.create(user=user, role=Role.CERTIFIER_STAFF)
    return user


def test_certifier_staff_by_role_sees_the_reference_data(client, role_only_staff):
    client.force_login(role_only_staff)
    body = client.get("/admin/").content.decode()
    assert [label in body for label in ("Organizations", "Sites", "People", "Editions", "Program years")] == [True] * 5


@pytest.mark.parametrize("role", ["org_admin", "site_manager", "csr", "judge"])
def test_other_roles_are_sent_to_the_admin_login(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/admin/directory/organization/")
    assert (response.status_code, response["Location"].startswith("/admin/login/")) == (302, True)


def test_certifier_staff_rename_an_organization_and_its_consent(client, world):
    client.force_login(world.users["certifier_staff"])
    response = client.post(
        f"/admin/directory/organization/{world.org.pk}/change/",
        {"code": "acme", "name": "Acme Insurance Group", "is_client": "on"},
    )
    organization = Organization.objects.get(pk=world.org.pk)
    assert (response.status_code, organization.name, organization.listed_in_registry) == (
        302,
        "Acme Insurance Group",
        False,
    )


def test_certifier_staff_change_a_sites_name_country_and_time_zone(client, world):
    client.force_login(world.users["certifier_staff"])
    site = world.site
    response = client.post(
        f"/admin/directory/site/{site.pk}/change/",
        {
            "organization": site.organization_id,
            "code": site.code,
            "name": "Toronto East",
            "country": "CA",
            "timezone": "America/Toronto",
            "address": "",
        },
    )
    with scopes_disabled():
        site.refresh_from_db()
    assert (response.status_code, site.name, site.country, site.timezone) == (
        302,
        "Toronto East",
        "CA",
        "America/Toronto",
    )


def test_nobody_deletes_an_organization_here(client, world):
    client.force_login(world.users["certifier_staff"])
    assert client.get(f"/admin/directory/organization/{world.org.pk}/delete/").status_code == 403


@pytest.fixture
def certification(world):
    with scopes_disabled():
        rollup_months(entity=world.csr, level="csr", start=Month(2025, 1), eligible=[10] * 3, meeting=[10] * 3)
        run_certification(edition=Edition.objects.get(year=2013), through=Month(2025, 3), actor="test")
        return Certification.objects.get()


def test_a_certification_is_visible_but_not_editable(client, world, certification):
    client.force_login(world.users["certifier_staff"])
    url = f"/admin/certification/certification/{certification.pk}/change/"
    view = client.get(url)
    refused = client.post(url, {"valid_through_month": "2030-01-01"})
    with scopes_disabled():
        certification.refresh_from_db()
    assert (view.status_code, refused.status_code, f"{certification.valid_through_month:%Y}") == (200, 403, "2026")


@pytest.mark.parametrize(
    "path",
    ["/admin/surveys/surveyresponse/add/", "/admin/certification/certificationrun/add/", "/admin/core/auditevent/add/"],
)
def test_decisions_and_facts_cannot_be_added(client, world, path):
    client.force_login(world.users["certifier_staff"])
    assert client.get(path).status_code == 403


def test_an_edition_used_by_a_run_is_read_only(client, world, certification):
    client.force_login(world.users["certifier_staff"])
    edition = Edition.objects.get(year=2013)
    url = f"/admin/certification/edition/{edition.pk}/change/"
    view = client.get(url)
    refused = client.post(url, {"name": "Changed"})
    assert (view.status_code, refused.status_code, Edition.objects.get(pk=edition.pk).name) == (
        200,
        403,
        edition.name,
    )


def test_an_unused_edition_change_is_audited(client, world):
    client.force_login(world.users["certifier_staff"])
    edition = Edition.objects.get(year=2012)
    form = {
        "year": 2012,
        "name": "2012 World Class Call Certification (restated)",
        "metric": edition.metric,
        "comparison": edition.comparison,
        "min_consecutive_months": edition.min_consecutive_months,
        "max_window_months": edition.max_window_months,
        "validity_months": edition.validity_months,
        "survey_window": edition.survey_window_id,
        "organization_rule": edition.organization_rule,
        "notes": "",
        "level_rules-TOTAL_FORMS": 0,
        "level_rules-INITIAL_FORMS": 0,
    }
    response = client.post(f"/admin/certification/edition/{edition.pk}/change/", form)
    event = AuditEvent.objects.get(action="certification.edition_changed")
    assert (response.status_code, event.actor, event.object_id) == (302, "certifier_staff", str(edition.pk))


def test_staff_set_the_edition_in_force_for_a_program_year(client, world):
    client.force_login(world.users["certifier_staff"])
    edition = Edition.objects.get(year=2013)
    response = client.post("/admin/certification/programyear/add/", {"year": 2026, "edition": edition.pk})
    event = AuditEvent.objects.get(action="certification.program_year_edition")
    assert (response.status_code, ProgramYear.objects.get(year=2026).edition, event.actor) == (
        302,
        edition,
        "certifier_staff",
    )
