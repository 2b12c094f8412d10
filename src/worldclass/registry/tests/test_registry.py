import csv
import io

import pytest
from django_scopes import scopes_disabled

from worldclass.certificates.domain import issue_certificates, revoke_certificate
from worldclass.certificates.models import Certificate
from worldclass.certification.domain.runs import run_certification
from worldclass.certification.models import Edition
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.months import Month
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory
from worldclass.registry.queries import RegistryCounts, public_registry_year, registry_years

pytestmark = pytest.mark.django_db

# Restated from seed 000 on purpose, independently of the migration, so the test checks the migration's data.
SEED_2015 = [
    "211 Ontario",
    "407 ETR",
    "BC Automobile Association (BCAA)",
    "Blue Cross Blue Shield of Michigan (Web Support Help Desk)",
    "BlueCross BlueShield of Vermont",
    "Canadian Tire Bank",
    "Canadian Tire Roadside Assistance",
    "Enbridge Large Business Accounts",
    "ENMAX, Inc.",
    "FortisBC",
    "Genworth Life Customer Service",
    "Insurance Corporation of BC (DTVI & BEU)",
    "Jackson",
    "Marchon Eyewear Inc.",
    "Millennium1 Solutions (Credit Card Sales Segment)",
    "Prime Therapeutics (Nebraska & New Mexico)",
    "Regence BlueCross BlueShield of Oregon",
    "Rogers Enterprise Service Delivery",
    "Scotiabank (Halifax)",
    "Scotiabank International (Dominican Republic)",
    "Scotiabank International (Jamaica)",
    "Scotiabank International (Mexico)",
    "ScotiaLife Financial",
    "Sun Life Financial Group Retirement Services (Waterloo)",
    "Vancity",
    "VSP Vision Care (California & Ohio)",
]


# Under the 2013 edition (more than 80% over 3 months; sites 800 surveys, CSRs 25, supervisors 200; an organization is
# certified when all its sites are), these months certify a site from 2013-10 and a CSR likewise.
START = Month(2013, 8)


def certified_site(organization, name, code=None):
    site = SiteFactory(organization=organization, name=name, code=code or name.lower().replace(" ", "-"))
    rollup_months(entity=site, level="site", start=START, eligible=[300] * 5, meeting=[290] * 5)
    return site


def certified_person(organization, level="csr"):
    person = PersonFactory(organization=organization, is_supervisor=level == "supervisor")
    surveys = 10 if level == "csr" else 100
    rollup_months(entity=person, level=level, start=START, eligible=[surveys] * 5, meeting=[surveys] * 5)
    return person


def store_run_and_issue(year=2013):
    with scopes_disabled():
        run_certification(edition=Edition.objects.get(year=year), through=Month(year, 12), actor="test")
        issue_certificates()


def test_historical_2015_registry_has_the_26_seed_names_in_order():
    registry = public_registry_year(year=2015)
    assert ([entry.name for entry in registry.historical], {entry.historical for entry in registry.historical}) == (
        SEED_2015,
        {True},
    )


def test_year_names_consenting_sites_and_their_organizations(unscoped):
    organization = OrganizationFactory(name="Acme")
    certified_site(organization, "Toronto")
    assert [(e.name, e.level, e.organization, e.certified_since) for e in public_registry_year(year=2013).entries] == [
        ("Acme", "organization", "Acme", "2013-10"),
        ("Toronto", "site", "Acme", "2013-10"),
    ]


def test_unlisted_organization_is_counted_but_not_named(unscoped):
    certified_site(OrganizationFactory(name="Hidden", listed_in_registry=False), "Secret site")
    certified_site(OrganizationFactory(name="Open"), "Open site")
    registry = public_registry_year(year=2013)
    assert ([e.name for e in registry.entries], registry.counts) == (
        ["Open", "Open site"],
        RegistryCounts(organizations=2, sites=2, unlisted_organizations=1, unlisted_sites=1),
    )


def test_people_are_counted_never_named(unscoped):
    organization = OrganizationFactory()
    for _ in range(3):
        certified_person(organization)
    certified_person(organization, level="supervisor")
    registry = public_registry_year(year=2013)
    assert (registry.counts.csrs, registry.counts.supervisors, registry.entries) == (3, 1, [])


def test_revoked_site_certificate_leaves_the_registry(unscoped):
    organization = OrganizationFactory(name="Acme")
    site = certified_site(organization, "Toronto")
    store_run_and_issue()
    certificate = Certificate.objects.get(certification__level="site", certification__entity_id=site.id)
    revoke_certificate(serial=certificate.serial, reason="Withdrawn", user=None, actor="staff")
    registry = public_registry_year(year=2013)
    assert ([e.name for e in registry.entries], registry.counts.sites) == (["Acme"], 0)


def test_revoked_csr_certificate_leaves_the_count(unscoped):
    organization = OrganizationFactory()
    person = certified_person(organization)
    certified_person(organization)
    store_run_and_issue()
    certificate = Certificate.objects.get(certification__person=person)
    revoke_certificate(serial=certificate.serial, reason="Withdrawn", user=None, actor="staff")
    assert public_registry_year(year=2013).counts.csrs == 1


def test_years_with_stored_certifications_and_history_newest_first(unscoped):
    certified_site(OrganizationFactory(), "Toronto")
    store_run_and_issue()
    assert [(s.year, s.has_certifications, s.historical_names) for s in registry_years()] == [
        (2015, False, 26),
        (2013, True, 0),
    ]


def test_registry_page_is_public_and_marks_history(client):
    response = client.get("/registry/2015/")
    body = response.content.decode()
    assert (response.status_code, "Historical" in body, "VSP Vision Care (California &amp; Ohio)" in body) == (
        200,
        True,
        True,
    )


def test_registry_year_without_anything_is_404(client):
    assert (client.get("/registry/2009/").status_code, client.get("/registry/1999/").status_code) == (404, 404)


def test_registry_csv_lists_named_entries(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    rows = list(csv.DictReader(io.StringIO(client.get("/registry/2013.csv").content.decode("utf-8-sig"))))
    assert [(r["name"], r["level"], r["certified_since"], r["historical"]) for r in rows] == [
        ("Acme", "organization", "2013-10", "False"),
        ("Toronto", "site", "2013-10", "False"),
    ]


def test_registry_csv_of_2015_lists_the_historical_names(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/registry/2015.csv").content.decode("utf-8-sig"))))
    assert ([r["name"] for r in rows], {r["historical"] for r in rows}) == (SEED_2015, {"True"})


def test_registry_json_has_counts_entries_and_history(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    certified_person(OrganizationFactory())
    body = client.get("/registry/2013.json").json()
    assert (body["counts"]["sites"], body["counts"]["csrs"], [e["name"] for e in body["entries"]]) == (
        1,
        1,
        ["Acme", "Toronto"],
    )


def test_registry_pages_query_count_does_not_grow_with_rows(client, unscoped, django_assert_max_num_queries):
    certified_site(OrganizationFactory(), "First")
    store_run_and_issue()
    with django_assert_max_num_queries(20) as few:
        client.get("/registry/2013/")
        client.get("/registry/")
    for index in range(4):
        certified_site(OrganizationFactory(), f"Site {index}")
    store_run_and_issue()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/registry/2013/")
        client.get("/registry/")
    assert len(response.context["registry"].entries) == 10


def test_api_registry_year_is_public_paginated_and_filterable(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    body = client.get("/api/v1/registry/2013/?level=site").json()
    assert (body["count"], body["counts"]["sites"], [row["name"] for row in body["results"]]) == (1, 1, ["Toronto"])


def test_api_registry_filters_historical(client):
    historical = client.get("/api/v1/registry/2015/?historical=true").json()
    current = client.get("/api/v1/registry/2015/?historical=false").json()
    assert (historical["count"], current["count"], historical["results"][0]["name"]) == (26, 0, "211 Ontario")


def test_registry_page_speaks_french(client):
    body = client.get("/registry/2015/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ("Registre de classe mondiale 2015" in body, "0 centre de contact" in body) == (True, True)
