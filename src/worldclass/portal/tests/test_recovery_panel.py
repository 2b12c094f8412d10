"""Service-recovery cases on the site and organization dashboards, for those who handle them."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.accounts.tests.world import build_role_world
from worldclass.operations.domain.recovery import open_case_if_unhappy
from worldclass.surveys.tests.factories import create_survey_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_role_world()
    with scopes_disabled():
        unhappy = create_survey_response(csr=world.csr, supervisor=world.supervisor, site=world.site, resolved=False)
        # Opened two days ago with the default 24 h due time: overdue now.
        open_case_if_unhappy(response=unhappy, now=timezone.now() - dt.timedelta(days=2), actor="test")
        angry = create_survey_response(csr=world.csr, supervisor=world.supervisor, site=world.site, overall_sat=1)
        open_case_if_unhappy(response=angry, now=timezone.now(), actor="test")
    return world


def panel(world, role: str, path: str):
    client = Client()
    client.force_login(world.users[role])
    response = client.get(path + "recovery/")
    assert response.status_code == 200
    recovery = response.context["recovery"]
    return None if recovery is None else (recovery.open_count, recovery.overdue_count, len(recovery.cases))


def test_site_manager_sees_open_and_overdue_cases_on_the_site_dashboard(world):
    assert panel(world, "site_manager", f"/dashboard/site/{world.site.id}/") == (2, 1, 2)


def test_org_admin_sees_the_cases_of_every_site_on_the_organization_dashboard(world):
    assert panel(world, "org_admin", f"/dashboard/organization/{world.org.id}/") == (2, 1, 2)


def test_the_panel_words_each_reason_in_french(world):
    client = Client()
    client.force_login(world.users["site_manager"])
    response = client.get(f"/dashboard/site/{world.site.id}/recovery/", HTTP_ACCEPT_LANGUAGE="fr")
    assert sorted(case.reason_worded for case in response.context["recovery"].cases) == [
        "non résolu",
        "satisfaction globale 1",
    ]


def test_a_managed_site_without_cases_shows_zero(world):
    assert panel(world, "org_admin", f"/dashboard/site/{world.sister_site.id}/") == (0, 0, 0)


def test_supervisors_get_no_case_panel(world):
    assert panel(world, "supervisor", f"/dashboard/supervisor/{world.supervisor.id}/") is None


def test_csrs_get_no_case_panel(world):
    assert panel(world, "csr", f"/dashboard/csr/{world.csr.id}/") is None


def test_the_dashboard_loads_the_panel_after_the_page(world):
    client = Client()
    client.force_login(world.users["site_manager"])
    response = client.get(f"/dashboard/site/{world.site.id}/")
    placeholder = f'hx-get="/dashboard/site/{world.site.id}/recovery/" hx-trigger="load"'
    assert (placeholder in response.content.decode(), "recovery" in response.context) == (True, False)


def test_the_panel_is_refused_to_those_who_may_not_see_the_dashboard(world):
    client = Client()
    client.force_login(world.users["csr"])
    assert client.get(f"/dashboard/site/{world.site.id}/recovery/").status_code == 403
