"""The registry of a year: one query behind the page, the downloads, the API and the CLI."""

import csv
import io
import json
import re
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from worldclass.certificates.domain import issue_certificates, revoke_certificate
from worldclass.certificates.models import Certificate
from worldclass.certification.domain.program import publish_registry_year
from worldclass.certification.domain.runs import run_certification, run_program_year
from worldclass.certification.models import Edition
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.months import Month
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory
from worldclass.registry.queries import RegistryCounts, registry_year, registry_years

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


def certified_site(organization, name, code=None, *, start=START, window_code="2-business-days"):
    site = SiteFactory(organization=organization, name=name, code=code or name.lower().replace(" ", "-"), country="CA")
    rollup_months(
        entity=site, level="site", start=start, eligible=[300] * 5, meeting=[290] * 5, window_code=window_code
    )
    return site


def certified_person(organization, level="csr"):
    person = PersonFactory(organization=organization, is_supervisor=level == "supervisor")
    surveys = 10 if level == "csr" else 100
    rollup_months(entity=person, level=level, start=START, eligible=[surveys] * 5, meeting=[surveys] * 5)
    return person


def store_run_and_issue(year=2013, *, publish=True):
    """The certifier's loop: run the program year through December, issue the certificates, publish the year."""
    with scopes_disabled():
        run_program_year(year=year, through=Month(year, 12), actor="test")
        issue_certificates()
        if publish:
            publish_registry_year(year=year, actor="test")


def test_historical_2015_registry_has_the_26_seed_names_in_order():
    registry = registry_year(year=2015)
    assert (
        [entry.name for entry in registry.historical.entries],
        {entry.historical for entry in registry.historical.entries},
    ) == (SEED_2015, {True})


def test_the_2008_published_counts_are_shown_as_historical(client):
    body = client.get("/registry/2008/").content.decode()
    assert ("For 2008 SQM certified 8 Contact Centers and 1500 CSRs" in body, "Historical" in body) == (True, True)


def test_year_names_consenting_sites_and_their_organizations(unscoped):
    organization = OrganizationFactory(name="Acme")
    certified_site(organization, "Toronto")
    store_run_and_issue()
    assert [(e.name, e.level, e.organization, e.certified_since) for e in registry_year(year=2013).entries] == [
        ("Acme", "organization", "Acme", "2013-10"),
        ("Toronto", "site", "Acme", "2013-10"),
    ]


def test_a_2025_program_year_lists_its_platform_certifications_by_name(unscoped):
    # 2025 has no program year row: the latest edition (2015: FCR, 10 minutes to 24 hours) is in force.
    organization = OrganizationFactory(code="caribe", name="Caribe Telecom")
    certified_site(organization, "Santo Domingo", "santo-domingo", start=Month(2025, 1), window_code="10min-24h")
    store_run_and_issue(2025)
    assert [(e.name, e.code, e.organization, e.edition) for e in registry_year(year=2025).entries] == [
        ("Santo Domingo", "santo-domingo", "Caribe Telecom", "2015 World Class FCR Certification")
    ]


def test_an_unpublished_year_shows_nothing_publicly_but_previews_for_staff(unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    store_run_and_issue(publish=False)
    assert (
        [e.name for e in registry_year(year=2013).entries],
        [e.name for e in registry_year(year=2013, preview=True).entries],
    ) == (
        [],
        ["Acme", "Toronto"],
    )


def test_exploratory_runs_do_not_make_a_registry_year(unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    run_certification(edition=Edition.objects.get(year=2013), through=Month(2013, 12), actor="test")
    assert (registry_year(year=2013, preview=True).has_content, 2013 in [s.year for s in registry_years()]) == (
        False,
        False,
    )


def test_duplicate_site_names_are_told_apart_by_code(unscoped):
    organization = OrganizationFactory(name="Acme")
    certified_site(organization, "Toronto", "tor-1")
    certified_site(organization, "Toronto", "tor-2")
    store_run_and_issue()
    assert [e.label for e in registry_year(year=2013).entries] == ["Acme", "Toronto (tor-1)", "Toronto (tor-2)"]


def test_unlisted_organization_is_counted_but_not_named(unscoped):
    certified_site(OrganizationFactory(name="Hidden", listed_in_registry=False), "Secret site")
    certified_site(OrganizationFactory(name="Open"), "Open site")
    store_run_and_issue()
    registry = registry_year(year=2013)
    assert ([e.name for e in registry.entries], registry.counts) == (
        ["Open", "Open site"],
        RegistryCounts(organizations=2, sites=2, unlisted_organizations=1, unlisted_sites=1),
    )


def test_people_are_counted_never_named(unscoped):
    organization = OrganizationFactory()
    for _ in range(3):
        certified_person(organization)
    certified_person(organization, level="supervisor")
    store_run_and_issue()
    registry = registry_year(year=2013)
    assert (registry.counts.csrs, registry.counts.supervisors, registry.entries) == (3, 1, [])


def test_revoked_site_certificate_leaves_the_registry(unscoped):
    organization = OrganizationFactory(name="Acme")
    site = certified_site(organization, "Toronto")
    store_run_and_issue()
    certificate = Certificate.objects.get(certification__level="site", certification__entity_id=site.id)
    revoke_certificate(serial=certificate.serial, reason="Withdrawn", user=None, actor="staff")
    registry = registry_year(year=2013)
    assert ([e.name for e in registry.entries], registry.counts.sites) == (["Acme"], 0)


def test_revoked_csr_certificate_leaves_the_count(unscoped):
    organization = OrganizationFactory()
    person = certified_person(organization)
    certified_person(organization)
    store_run_and_issue()
    certificate = Certificate.objects.get(certification__person=person)
    revoke_certificate(serial=certificate.serial, reason="Withdrawn", user=None, actor="staff")
    assert registry_year(year=2013).counts.csrs == 1


def test_index_lists_only_years_with_content_newest_first(unscoped):
    certified_site(OrganizationFactory(), "Toronto")
    store_run_and_issue()
    assert [(s.year, s.has_certifications, s.historical_names, s.historical_statements) for s in registry_years()] == [
        (2015, False, 26, 0),
        (2013, True, 0, 0),
        (2008, False, 0, 1),
    ]


def test_a_year_without_content_is_not_linked(client, unscoped):
    certified_site(OrganizationFactory(), "Toronto")
    store_run_and_issue(publish=False)
    body = client.get("/registry/").content.decode()
    assert (sorted(set(re.findall(r'href="/registry/(\d+)/"', body))), client.get("/registry/2013/").status_code) == (
        ["2008", "2015"],
        404,
    )


def test_registry_page_is_public_and_marks_history(client):
    response = client.get("/registry/2015/")
    body = response.content.decode()
    assert (response.status_code, "Historical" in body, "VSP Vision Care (California &amp; Ohio)" in body) == (
        200,
        True,
        True,
    )


def test_registry_year_without_anything_is_a_styled_404(client):
    response = client.get("/registry/2009/")
    assert (
        response.status_code,
        "No registry for 2009" in response.content.decode(),
        client.get("/registry/1999/").status_code,
    ) == (
        404,
        True,
        404,
    )


def _html_names(client, year):
    table = client.get(f"/registry/{year}/").content.decode().split('id="registry-entries"')[1]
    return [unescape(name) for name in re.findall(r"<tr><td>(.*?)</td>", table)]


def _cli(*args):
    out = io.StringIO()
    call_command("registry", *args, stdout=out)
    return out.getvalue()


def test_html_json_csv_and_cli_list_the_same_names(client, unscoped):
    organization = OrganizationFactory(code="caribe", name="Caribe Télécom")
    certified_site(organization, "Santo Domingo", "santo-domingo", start=Month(2025, 1), window_code="10min-24h")
    certified_site(organization, "Punta Cana", "punta-cana", start=Month(2025, 1), window_code="10min-24h")
    store_run_and_issue(2025)
    expected = ["Punta Cana", "Santo Domingo"]
    downloaded_json = client.get("/registry/2025.json").json()
    downloaded_csv = client.get("/registry/2025.csv").content.decode("utf-8-sig")
    cli_text = _cli("--year", "2025")
    assert (
        _html_names(client, 2025),
        [entry["name"] for entry in downloaded_json["entries"]],
        [row["name"] for row in csv.DictReader(io.StringIO(downloaded_csv))],
        [name for name in expected if f"  {name}, Caribe Télécom (CA) since 2025-03" in cli_text],
        json.loads(_cli("--year", "2025", "--json")) == downloaded_json,
        _cli("--year", "2025", "--csv") == downloaded_csv,
    ) == (expected, expected, expected, expected, True, True)


def test_a_revoked_certificate_leaves_html_json_csv_and_cli(client, unscoped):
    organization = OrganizationFactory(code="caribe", name="Caribe Telecom")
    site = certified_site(organization, "Santo Domingo", start=Month(2025, 1), window_code="10min-24h")
    certified_site(organization, "Punta Cana", start=Month(2025, 1), window_code="10min-24h")
    store_run_and_issue(2025)
    certificate = Certificate.objects.get(certification__level="site", certification__entity_id=site.id)
    revoke_certificate(serial=certificate.serial, reason="Withdrawn", user=None, actor="staff")
    cli_text = _cli("--year", "2025")
    assert (
        _html_names(client, 2025),
        [entry["name"] for entry in client.get("/registry/2025.json").json()["entries"]],
        [
            row["name"]
            for row in csv.DictReader(io.StringIO(client.get("/registry/2025.csv").content.decode("utf-8-sig")))
        ],
        "Santo Domingo" in cli_text + _cli("--year", "2025", "--json") + _cli("--year", "2025", "--csv"),
    ) == (["Punta Cana"], ["Punta Cana"], ["Punta Cana"], False)


def test_cli_refuses_a_year_without_a_registry():
    with pytest.raises(CommandError, match="There is no registry for 2031"):
        _cli("--year", "2031")


def test_cli_refuses_a_malformed_year():
    with pytest.raises(CommandError, match="Invalid program year 'next'"):
        _cli("--year", "next")


def test_registry_csv_of_2015_lists_the_historical_names(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/registry/2015.csv").content.decode("utf-8-sig"))))
    assert ([r["name"] for r in rows], {r["historical"] for r in rows}) == (SEED_2015, {"True"})


def test_registry_json_has_counts_entries_and_history(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    certified_person(OrganizationFactory())
    store_run_and_issue()
    body = client.get("/registry/2013.json").json()
    assert (body["counts"]["sites"], body["counts"]["csrs"], [e["name"] for e in body["entries"]]) == (
        1,
        1,
        ["Acme", "Toronto"],
    )


def test_registry_pages_query_count_does_not_grow_with_rows(client, unscoped, django_assert_max_num_queries):
    certified_site(OrganizationFactory(), "First")
    store_run_and_issue()
    with django_assert_max_num_queries(40) as few:
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
    store_run_and_issue()
    body = client.get("/api/v1/registry/2013/?level=site").json()
    assert (body["count"], body["counts"]["sites"], [row["name"] for row in body["results"]]) == (1, 1, ["Toronto"])


def test_api_registry_filters_historical(client):
    historical = client.get("/api/v1/registry/2015/?historical=true").json()
    current = client.get("/api/v1/registry/2015/?historical=false").json()
    assert (historical["count"], current["count"], historical["results"][0]["name"]) == (26, 0, "211 Ontario")


def test_registry_page_speaks_french(client):
    body = client.get("/registry/2015/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ("Registre de classe mondiale 2015" in body, "Historique" in body) == (True, True)


def test_the_year_page_names_its_edition_in_french(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    store_run_and_issue()
    body = unescape(client.get("/registry/2013/", HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert "selon l'édition « Certification Appel de classe mondiale 2013 »" in body


def test_the_index_names_editions_in_french(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    store_run_and_issue()
    body = client.get("/registry/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ("Certification Appel de classe mondiale 2013" in body, "World Class Call" in body) == (True, False)


def test_the_downloads_and_the_api_name_the_edition_in_english_whatever_the_language(client, unscoped):
    certified_site(OrganizationFactory(name="Acme"), "Toronto")
    store_run_and_issue()
    downloaded_json = client.get("/registry/2013.json", HTTP_ACCEPT_LANGUAGE="fr").json()
    downloaded_csv = client.get("/registry/2013.csv", HTTP_ACCEPT_LANGUAGE="fr").content.decode("utf-8-sig")
    api = client.get("/api/v1/registry/2013/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert (
        downloaded_json["edition"],
        {row["edition"] for row in csv.DictReader(io.StringIO(downloaded_csv))},
        api["edition"],
    ) == (
        "2013 World Class Call Certification",
        {"2013 World Class Call Certification"},
        "2013 World Class Call Certification",
    )
