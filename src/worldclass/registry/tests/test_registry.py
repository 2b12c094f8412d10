import csv
import datetime as dt
import io

import pytest

from worldclass.certificates.domain import revoke_certificate
from worldclass.certificates.tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    PersonFactory,
    SiteFactory,
    certified_with_certificate,
    organization_certification,
    site_certification,
)
from worldclass.certification.models import Level
from worldclass.registry.queries import RegistryCounts, public_registry_year, registry_years

pytestmark = pytest.mark.django_db

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


def certified_site(organization, name):
    site = SiteFactory(organization=organization, name=name)
    return site_certification(site)


def test_historical_2015_registry_has_the_26_seed_names_in_order():
    registry = public_registry_year(year=2015)
    assert ([entry.name for entry in registry.historical], {entry.historical for entry in registry.historical}) == (
        SEED_2015,
        {True},
    )


def test_year_names_consenting_sites_and_organizations(unscoped):
    organization = OrganizationFactory(name="Acme")
    certified_site(organization, "Toronto")
    organization_certification(organization)
    assert [(e.name, e.level, e.organization) for e in public_registry_year(year=2015).entries] == [
        ("Acme", "organization", "Acme"),
        ("Toronto", "site", "Acme"),
    ]


def test_unlisted_organization_is_counted_but_not_named(unscoped):
    hidden = OrganizationFactory(name="Hidden", listed_in_registry=False)
    certified_site(hidden, "Secret site")
    certified_site(OrganizationFactory(name="Open"), "Open site")
    registry = public_registry_year(year=2015)
    assert ([e.name for e in registry.entries], registry.counts.sites, registry.counts.unlisted_sites) == (
        ["Open site"],
        2,
        1,
    )


def test_people_are_counted_never_named(unscoped):
    organization = OrganizationFactory()
    CertificationFactory.create_batch(3, person__organization=organization)
    supervisor = PersonFactory(organization=organization, is_supervisor=True)
    CertificationFactory(person=supervisor, level=Level.SUPERVISOR)
    registry = public_registry_year(year=2015)
    assert (registry.counts.csrs, registry.counts.supervisors, registry.entries) == (3, 1, [])


def test_an_entity_certified_twice_in_a_year_counts_once(unscoped):
    site = SiteFactory(name="Toronto")
    site_certification(site)
    site_certification(site, achieved_month=dt.date(2015, 9, 1), valid_through_month=dt.date(2016, 8, 1))
    registry = public_registry_year(year=2015)
    assert ([e.certified_since for e in registry.entries], registry.counts.sites) == (["2015-03"], 1)


def test_revoked_certification_leaves_the_registry(unscoped):
    site = SiteFactory(name="Toronto")
    certificate = certified_with_certificate(
        level=Level.SITE, site=site, person=None, organization=site.organization, entity_id=site.id
    )
    revoke_certificate(serial=certificate.serial, reason="Withdrawn", user=None, actor="staff")
    registry = public_registry_year(year=2015)
    assert (registry.entries, registry.counts) == ([], RegistryCounts())


def test_years_list_certification_years_and_historical_years_newest_first(unscoped):
    certified_site(OrganizationFactory(), "Toronto")
    summaries = registry_years()
    assert [(s.year, s.counts.sites, s.historical_names) for s in summaries] == [(2015, 1, 26)]


def test_registry_page_is_public_and_marks_history(client):
    response = client.get("/registry/2015/")
    body = response.content.decode()
    assert (response.status_code, "Historical" in body, "VSP Vision Care (California &amp; Ohio)" in body) == (
        200,
        True,
        True,
    )


def test_registry_year_without_anything_is_404(client):
    assert client.get("/registry/2009/").status_code == 404


def test_registry_csv_lists_named_and_historical_entries(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    rows = list(csv.DictReader(io.StringIO(client.get("/registry/2015.csv").content.decode())))
    assert (rows[0]["name"], rows[0]["historical"], len(rows), rows[-1]["name"]) == (
        "Toronto",
        "False",
        27,
        "VSP Vision Care (California & Ohio)",
    )


def test_registry_json_has_counts_entries_and_history(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    body = client.get("/registry/2015.json").json()
    assert (body["counts"]["sites"], [e["name"] for e in body["entries"]], len(body["historical"]["entries"])) == (
        1,
        ["Toronto"],
        26,
    )


def test_registry_pages_query_count_does_not_grow_with_rows(client, unscoped, django_assert_max_num_queries):
    certified_site(OrganizationFactory(), "First")
    with django_assert_max_num_queries(10) as few:
        client.get("/registry/2015/")
        client.get("/registry/")
    for index in range(5):
        organization = OrganizationFactory()
        certified_site(organization, f"Site {index}")
        organization_certification(organization)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/registry/2015/")
        client.get("/registry/")
    assert len(response.context["registry"].entries) == 11


def test_api_registry_year_is_public_paginated_and_filterable(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    everything = client.get("/api/v1/registry/2015/").json()
    current = client.get("/api/v1/registry/2015/?historical=false").json()
    assert (everything["count"], everything["counts"]["sites"], current["results"][0]["name"], current["count"]) == (
        27,
        1,
        "Toronto",
        1,
    )


def test_api_registry_filters_by_level(client, unscoped):
    organization = OrganizationFactory(name="Acme")
    certified_site(organization, "Toronto")
    organization_certification(organization)
    body = client.get("/api/v1/registry/2015/?level=organization").json()
    assert [row["name"] for row in body["results"]] == ["Acme"]
