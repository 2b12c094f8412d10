"""The reads other apps make of certification instead of importing its models."""

import pytest

from worldclass.certification.domain.program import publish_registry_year
from worldclass.certification.domain.runs import run_program_year
from worldclass.certification.models import Edition, LevelRule
from worldclass.certification.queries import (
    Level,
    all_editions,
    edition_of_year,
    editions_by_year,
    is_published_run,
    latest_edition,
    level_rule_for,
    level_statuses,
    organization_rollup_totals,
    published_run,
    published_years,
    rollups_of,
    site_rollup_totals,
)
from worldclass.certification.tests.factories import MonthlyRollupFactory, rollup_months, survey_window
from worldclass.core.months import Month
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]

JAN = Month(2025, 1)


def test_the_latest_edition_is_the_newest_year():
    assert latest_edition() == Edition.objects.order_by("-year").first()


def test_all_editions_run_oldest_first():
    assert [edition.year for edition in all_editions()] == sorted(Edition.objects.values_list("year", flat=True))


def test_an_edition_is_found_by_its_year_and_a_missing_year_is_none():
    assert (edition_of_year(year=2013).year, edition_of_year(year=1999)) == (2013, None)


def test_editions_by_year_leaves_out_years_without_one():
    assert sorted(editions_by_year(years=[2008, 2015, 1999])) == [2008, 2015]


def test_organizations_have_no_level_rule_of_their_own():
    edition = Edition.objects.get(year=2015)
    assert level_rule_for(edition=edition, level=Level.ORGANIZATION) is None
    assert level_rule_for(edition=edition, level=Level.CSR) == LevelRule.objects.get(edition=edition, level="csr")


def test_rollups_of_one_window_and_level():
    person = PersonFactory()
    rollup_months(entity=person, level="csr", start=JAN, eligible=[30, 20], meeting=[25, 15])
    rollup_months(entity=person, level="supervisor", start=JAN, eligible=[30], meeting=[25])
    window = survey_window()
    assert sorted(rollups_of(window=window, level="csr").values_list("eligible", flat=True)) == [20, 30]
    assert rollups_of(window=window.pk, level="supervisor").count() == 1


def test_organization_totals_sum_the_months_asked_for_and_zero_without_data():
    organization = OrganizationFactory()
    for offset, (eligible, fcr) in enumerate([(30, 25), (20, 15), (10, 5)]):
        MonthlyRollupFactory(
            organization=organization,
            level="organization",
            entity_id=organization.pk,
            month=(JAN + offset).first_day(),
            eligible=eligible,
            fcr=fcr,
            world_class=fcr,
        )
    totals = organization_rollup_totals(
        organization_id=organization.pk,
        window_id=survey_window().pk,
        start=JAN + 1,
        end=JAN + 2,
        counts=["eligible", "fcr"],
    )
    empty = organization_rollup_totals(
        organization_id=organization.pk, window_id=survey_window().pk, start=JAN + 5, end=JAN + 6, counts=["fcr"]
    )
    assert (totals, empty) == ({"eligible": 30, "fcr": 20}, {"fcr": 0})


def test_site_totals_count_every_site_up_to_the_month():
    for site in (SiteFactory(), SiteFactory()):
        rollup_months(entity=site, level="site", start=JAN, eligible=[30, 20], meeting=[25, 15])
    totals = site_rollup_totals(window=survey_window(), through=JAN.first_day())
    assert totals == {"eligible": 60, "ineligible": 0}


def test_a_published_run_is_found_by_its_year():
    person = PersonFactory(organization=OrganizationFactory(code="acme"), code="c1")
    rollup_months(entity=person, level="csr", start=JAN, eligible=[30, 30, 30], meeting=[29, 29, 29])
    run = run_program_year(year=2025, through=Month(2025, 3), actor="staff")
    before = (published_run(year=2025), is_published_run(year=2025, run=run), 2025 in published_years())
    publish_registry_year(year=2025, actor="staff")
    after = (published_run(year=2025), is_published_run(year=2025, run=run), 2025 in published_years())
    assert (before, after) == ((None, False, False), (run, True, True))


@pytest.mark.parametrize("asked", [None, "first two"])
def test_level_statuses_evaluate_the_entities_asked_for(asked):
    organization = OrganizationFactory()
    people = [PersonFactory(organization=organization, site=SiteFactory(organization=organization)) for _ in range(3)]
    for person in people:
        rollup_months(entity=person, level="csr", start=JAN, eligible=[30, 30], meeting=[29, 29])
    entity_ids = None if asked is None else [people[0].pk, people[1].pk]
    results = level_statuses(
        edition=Edition.objects.get(year=2013),
        organization_id=organization.pk,
        level="csr",
        through=Month(2025, 2),
        entity_ids=entity_ids,
    )
    expected = [p.pk for p in people] if asked is None else entity_ids
    assert sorted(result.entity_pk for result in results) == sorted(expected)
