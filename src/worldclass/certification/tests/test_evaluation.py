"""Evaluating editions from rollups: boundaries of every rule, organizations, confidence, editions as data."""

from decimal import Decimal

import pytest

from worldclass.certification.domain.evaluation import evaluate_certifications, get_edition
from worldclass.certification.models import Edition, LevelRule
from worldclass.certification.queries import entity_status
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.errors import NotFound
from worldclass.core.months import Month
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory

pytestmark = pytest.mark.django_db

JAN = Month(2025, 1)


def result_for(evaluation, level, code):
    (match,) = [e for e in evaluation.entities if e.level == level and e.id == code]
    return match


def evaluate(year, through, **kwargs):
    return evaluate_certifications(edition=get_edition(year=year), through=through, **kwargs)


def csr(code="c1", organization=None):
    return PersonFactory(code=code, organization=organization or OrganizationFactory(code="acme"))


@pytest.mark.parametrize(("surveys", "qualifies"), [(24, False), (25, True)])
def test_csr_needs_25_surveys(surveys, qualifies):
    counts = [surveys - 2, 1, 1]
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=counts, meeting=counts)
    result = result_for(evaluate(2013, JAN + 2), "csr", "c1")
    assert (result.qualifies, result.surveys) == (qualifies, surveys if qualifies else None)


def test_window_never_starts_before_the_first_month_of_data():
    rollup_months(entity=csr(), level="csr", start=JAN + 2, eligible=[30], meeting=[30])
    result = result_for(evaluate(2013, JAN + 2), "csr", "c1")
    assert (result.qualifies, result.window) == (False, None)


def test_csr_with_24_surveys_has_no_window():
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=[8, 8, 8], meeting=[8, 8, 8])
    result = result_for(evaluate(2013, JAN + 2), "csr", "c1")
    assert (result.qualifies, result.window, result.surveys, result.rate, result.ci95) == (
        False,
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(("level", "surveys", "qualifies"), [("supervisor", 199, False), ("supervisor", 200, True)])
def test_supervisor_needs_200_surveys(level, surveys, qualifies):
    supervisor = PersonFactory(code="s1", is_csr=False, is_supervisor=True)
    rollup_months(entity=supervisor, level=level, start=JAN, eligible=[surveys - 2, 1, 1], meeting=[surveys - 2, 1, 1])
    assert result_for(evaluate(2013, JAN + 2), level, "s1").qualifies is qualifies


@pytest.mark.parametrize(("surveys", "qualifies"), [(799, False), (800, True)])
def test_site_needs_800_surveys(surveys, qualifies):
    site = SiteFactory(code="toronto")
    rollup_months(entity=site, level="site", start=JAN, eligible=[surveys - 2, 1, 1], meeting=[surveys - 2, 1, 1])
    assert result_for(evaluate(2013, JAN + 2), "site", "toronto").qualifies is qualifies


def test_exactly_80_percent_fails_in_2013_greater_than():
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=[10, 10, 5], meeting=[8, 8, 4])
    result = result_for(evaluate(2013, JAN + 2), "csr", "c1")
    assert (result.qualifies, result.surveys, result.meeting, result.rate) == (False, 25, 20, 0.8)


def test_exactly_80_percent_passes_in_2015_at_least():
    rollup_months(
        entity=csr(), level="csr", start=JAN, eligible=[10, 10, 5], meeting=[8, 8, 4], window_code="10min-24h"
    )
    result = result_for(evaluate(2015, JAN + 2), "csr", "c1")
    assert (result.qualifies, result.certified, result.certified_since, result.valid_through) == (
        True,
        True,
        "2025-03",
        "2026-03",
    )


def test_window_crosses_a_year_end():
    rollup_months(entity=csr(), level="csr", start=Month(2024, 11), eligible=[9, 9, 9], meeting=[9, 9, 9])
    result = result_for(evaluate(2013, JAN), "csr", "c1")
    assert (result.window, result.surveys, result.qualifies) == (("2024-11", "2025-01"), 27, True)


def test_shortest_window_is_chosen_so_no_period_flatters():
    # Three excellent months, then three poor months that alone reach the minimum.
    rollup_months(
        entity=csr(), level="csr", start=JAN, eligible=[40, 40, 40, 10, 10, 10], meeting=[40, 40, 40, 5, 5, 5]
    )
    result = result_for(evaluate(2013, JAN + 5), "csr", "c1")
    assert (result.window, result.surveys, result.meeting, result.qualifies) == (("2025-04", "2025-06"), 30, 15, False)


def test_month_without_surveys_inside_the_window_counts_as_a_month():
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=[10, 0, 20], meeting=[10, 0, 20])
    result = result_for(evaluate(2013, JAN + 2), "csr", "c1")
    assert (result.window, result.surveys) == (("2025-01", "2025-03"), 30)


def test_renewal_at_a_plus_12_and_not_at_a_plus_11():
    # Qualifies at 2025-03 (achievement), fails for a while, qualifies again at 2026-02 (a+11) and 2026-03 (a+12).
    eligible = [10] * 15
    meeting = [10, 10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10]
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=eligible, meeting=meeting)
    at_a_plus_11 = result_for(evaluate(2013, Month(2026, 2)), "csr", "c1")
    at_a_plus_12 = result_for(evaluate(2013, Month(2026, 3)), "csr", "c1")
    assert (at_a_plus_11.certified_since, at_a_plus_11.valid_through) == ("2025-03", "2026-03")
    assert (at_a_plus_12.certified_since, at_a_plus_12.valid_through) == ("2026-03", "2027-03")
    assert [a.month for a in at_a_plus_12.achievements] == [Month(2025, 3), Month(2026, 3)]


def test_certification_lapses_after_a_plus_12():
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=[10] * 16, meeting=[10, 10, 10] + [0] * 13)
    assert result_for(evaluate(2013, Month(2026, 3)), "csr", "c1").certified is True
    assert result_for(evaluate(2013, Month(2026, 4)), "csr", "c1").certified is False


def make_site(organization, code, hits):
    site = SiteFactory(organization=organization, code=code)
    rollup_months(entity=site, level="site", start=JAN, eligible=[300, 300, 300], meeting=[hits, hits, hits])
    return site


def test_organization_with_one_failing_site_is_not_certified():
    organization = OrganizationFactory(code="acme")
    make_site(organization, "east", 290)
    make_site(organization, "west", 200)
    result = result_for(evaluate(2013, JAN + 2), "organization", "acme")
    assert (result.qualifies, result.certified, result.window, result.surveys, result.meeting) == (
        False,
        False,
        ("2025-01", "2025-03"),
        1800,
        1470,
    )


def test_organization_with_all_sites_certified_is_certified():
    organization = OrganizationFactory(code="acme")
    make_site(organization, "east", 290)
    make_site(organization, "west", 280)
    result = result_for(evaluate(2013, JAN + 2), "organization", "acme")
    assert (result.org, result.qualifies, result.certified, result.certified_since, result.valid_through) == (
        "acme",
        True,
        True,
        "2025-03",
        "2026-03",
    )


def test_organizations_are_not_evaluated_without_the_all_sites_rule():
    organization = OrganizationFactory(code="acme")
    site = SiteFactory(organization=organization, code="east")
    rollup_months(entity=site, level="site", start=JAN, eligible=[300] * 3, meeting=[290] * 3, window_code="10min-24h")
    assert [e.level for e in evaluate(2014, JAN + 2).entities] == ["site"]


def test_require_confidence_uses_the_wilson_lower_bound():
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=[10, 10, 10], meeting=[9, 9, 9])
    assert result_for(evaluate(2013, JAN + 2), "csr", "c1").qualifies is True
    confident = result_for(evaluate(2013, JAN + 2, require_confidence=True), "csr", "c1")
    assert (confident.qualifies, confident.ci95) == (False, (0.7438, 0.9654))


def test_a_new_edition_with_85_percent_for_csrs_is_data_only():
    edition_2013 = get_edition(year=2013)
    edition = Edition.objects.create(
        year=2016,
        name="2016 World Class Call Certification",
        metric="wcc",
        comparison="gt",
        min_consecutive_months=3,
        survey_window=edition_2013.survey_window,
        organization_rule="none",
    )
    LevelRule.objects.create(edition=edition, level="csr", threshold_percent=Decimal("85"), min_surveys=25)
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=[10, 10, 10], meeting=[9, 8, 8])  # 83.3%
    assert result_for(evaluate(2013, JAN + 2), "csr", "c1").qualifies is True
    assert result_for(evaluate(2016, JAN + 2), "csr", "c1").qualifies is False


def test_only_the_requested_organization_is_evaluated():
    rollup_months(
        entity=csr("a1", OrganizationFactory(code="a")), level="csr", start=JAN, eligible=[9] * 3, meeting=[9] * 3
    )
    other = OrganizationFactory(code="b")
    rollup_months(entity=csr("b1", other), level="csr", start=JAN, eligible=[9] * 3, meeting=[9] * 3)
    assert [e.id for e in evaluate(2013, JAN + 2, organization=other).entities] == ["b1"]


def test_months_after_through_are_not_read():
    rollup_months(entity=csr(), level="csr", start=JAN, eligible=[9, 9, 9, 30], meeting=[9, 9, 9, 0])
    assert result_for(evaluate(2013, JAN + 2), "csr", "c1").qualifies is True


def test_entity_status_matches_the_full_evaluation():
    organization = OrganizationFactory(code="acme")
    person = csr("c1", organization)
    rollup_months(entity=person, level="csr", start=JAN, eligible=[9, 9, 9, 9], meeting=[9, 9, 9, 5])
    rollup_months(entity=csr("c2", organization), level="csr", start=JAN - 3, eligible=[9] * 4, meeting=[9] * 4)
    make_site(organization, "east", 290)
    edition = get_edition(year=2013)
    full = evaluate(2013, JAN + 3)
    assert entity_status(edition=edition, level="csr", entity_id=person.pk, through=JAN + 3) == result_for(
        full, "csr", "c1"
    )
    assert entity_status(
        edition=edition, level="organization", entity_id=organization.pk, through=JAN + 3
    ) == result_for(full, "organization", "acme")


def test_entity_status_of_a_level_the_edition_does_not_certify_is_not_found():
    organization = OrganizationFactory(code="acme")
    make_site(organization, "east", 290)
    with pytest.raises(NotFound):
        entity_status(edition=get_edition(year=2014), level="organization", entity_id=organization.pk, through=JAN + 2)
