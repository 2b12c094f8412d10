"""The dashboards' period picker: a mistyped month is a form error on the page, and periods hold data."""

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from worldclass.accounts.tests.world import client_for
from worldclass.core.months import Month
from worldclass.portal.forms import PeriodForm
from worldclass.portal.queries import Period
from worldclass.portal.tests.factories import rollups_for

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = dt.date(2015, 1, 1), dt.date(2015, 2, 1), dt.date(2015, 3, 1)


def test_a_mistyped_month_is_a_form_error_not_a_404(world):
    response = client_for(world, "certifier_staff").get("/dashboard/organizations/?edition=2015&through=2025-13")
    assert (response.status_code, response.context["period_form"].errors["through"]) == (
        400,
        ["Enter a month as YYYY-MM, for example 2025-06."],
    )


def test_a_mistyped_month_on_the_progress_page_is_shown_in_its_picker(world):
    response = client_for(world, "csr").get(f"/dashboard/csr/{world.csr.id}/progress/?edition=2015&through=x")
    assert (response.status_code, "Enter a month as YYYY-MM" in response.content.decode()) == (400, True)


def test_the_organizations_overview_period_starts_with_the_first_month_with_data(world):
    with scopes_disabled():
        rollups_for(obj=world.org, level="organization", months=[MAR])
    response = client_for(world, "certifier_staff").get("/dashboard/organizations/?edition=2015")
    assert response.context["period"] == Period(first=MAR, last=MAR)


def test_the_picker_chooses_the_months_and_the_last_month(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[JAN, FEB, MAR])
        rollups_for(obj=world.supervisor, level="supervisor", months=[JAN, FEB, MAR])
    response = client_for(world, "supervisor").get(
        f"/dashboard/supervisor/{world.supervisor.id}/?edition=2015&through=2015-02&months=1"
    )
    assert response.context["period"] == Period(first=FEB, last=FEB)


def test_invalid_values_fall_back_to_the_defaults():
    assert PeriodForm({"through": "2025-13", "months": "7"}).choice() == (None, 12)


def test_valid_values_are_cleaned():
    assert PeriodForm({"through": "2025-06", "months": "3"}).choice() == (Month(2025, 6), 3)


def test_organization_progress_lists_its_sites_with_their_status(world):
    with scopes_disabled():
        rollups_for(obj=world.org, level="organization", months=[MAR], eligible=900)
        rollups_for(obj=world.site, level="site", months=[MAR], eligible=900)
    response = client_for(world, "org_admin").get(f"/dashboard/organization/{world.org.id}/progress/?edition=2015")
    rows = [(site.code, status is not None) for site, status in response.context["sites"]]
    assert rows == [("hal", False), ("tor", True)]


def test_a_past_month_is_not_called_this_month(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[MAR], eligible=30)
    body = client_for(world, "csr").get(f"/dashboard/csr/{world.csr.id}/progress/?edition=2015").content.decode()
    assert ("this month" in body, "The rest of 2015-03" in body) == (False, True)


def test_counts_have_thousands_separators():
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("en"):
        assert Template("{{ n|grouped }}").render(Context({"n": 3860})) == "3,860"


def test_a_leaderboard_can_be_ordered_by_name(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[MAR], eligible=40)
        rollups_for(obj=world.teammate, level="csr", months=[MAR], eligible=80)
        rollups_for(obj=world.supervisor, level="supervisor", months=[MAR], eligible=120)
    response = client_for(world, "supervisor").get(
        f"/dashboard/supervisor/{world.supervisor.id}/leaderboard/?edition=2015&sort=name"
    )
    assert [standing.obj.name for standing in response.context["page"]] == ["Casey CSR", "Toni Teammate"]


def test_a_leaderboard_can_put_the_largest_samples_first(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[MAR], eligible=40)
        rollups_for(obj=world.teammate, level="csr", months=[MAR], eligible=80)
        rollups_for(obj=world.supervisor, level="supervisor", months=[MAR], eligible=120)
    response = client_for(world, "supervisor").get(
        f"/dashboard/supervisor/{world.supervisor.id}/leaderboard/?edition=2015&sort=surveys"
    )
    assert [standing.obj.name for standing in response.context["page"]] == ["Toni Teammate", "Casey CSR"]
