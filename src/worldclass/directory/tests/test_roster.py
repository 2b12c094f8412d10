import datetime as dt

import pytest

from worldclass.directory.domain import PersonSighting, create_missing_roster, upsert_roster
from worldclass.directory.models import Organization, Person, Site

pytestmark = pytest.mark.django_db

JAN = dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)
FEB = dt.datetime(2026, 2, 15, 10, tzinfo=dt.UTC)


def csr(code: str, *, site: str, supervisor: str | None, as_of: dt.datetime, org: str = "acme") -> PersonSighting:
    return PersonSighting(organization=org, code=code, site=site, as_of=as_of, supervisor=supervisor, is_csr=True)


def supervisor(code: str, *, site: str, as_of: dt.datetime, org: str = "acme") -> PersonSighting:
    return PersonSighting(organization=org, code=code, site=site, as_of=as_of, is_supervisor=True)


def upsert(*sightings: PersonSighting, sites=None):
    return upsert_roster(
        organizations={s.organization for s in sightings},
        sites=sites or {(s.organization, s.site): "CA" for s in sightings},
        sightings=list(sightings),
    )


def roster(code: str) -> tuple:
    person = Person.objects.select_related("site", "supervisor").get(code=code)
    return (person.site.code, person.supervisor.code if person.supervisor else None, person.roster_as_of)


def test_a_first_upsert_creates_the_organization_its_sites_and_people(unscoped):
    ids = upsert(csr("c1", site="s1", supervisor="v1", as_of=JAN), supervisor("v1", site="s1", as_of=JAN))
    assert ids.organizations == {"acme": Organization.objects.get(code="acme").id}
    assert ids.sites == {("acme", "s1"): Site.objects.get(code="s1").id}
    assert ids.people == {(p.organization.code, p.code): p.id for p in Person.objects.select_related("organization")}
    assert roster("c1") == ("s1", "v1", JAN)
    assert sorted(Person.objects.values_list("code", "is_csr", "is_supervisor")) == [
        ("c1", True, False),
        ("v1", False, True),
    ]


def test_the_same_rows_again_change_nothing(unscoped):
    rows = (csr("c1", site="s1", supervisor="v1", as_of=JAN), supervisor("v1", site="s1", as_of=JAN))
    first = upsert(*rows)
    again = upsert(*rows)
    assert (again.organizations, again.sites, again.people) == (first.organizations, first.sites, first.people)
    assert (Organization.objects.count(), Site.objects.count(), Person.objects.count()) == (1, 1, 2)


def test_a_later_call_moves_a_csr_to_the_new_site_and_supervisor(unscoped):
    upsert(csr("c1", site="s1", supervisor="v1", as_of=JAN), supervisor("v1", site="s1", as_of=JAN))
    upsert(csr("c1", site="s2", supervisor="v2", as_of=FEB), supervisor("v2", site="s2", as_of=FEB))
    assert roster("c1") == ("s2", "v2", FEB)


def test_an_older_file_never_moves_anyone_back(unscoped):
    upsert(csr("c1", site="s2", supervisor="v2", as_of=FEB), supervisor("v2", site="s2", as_of=FEB))
    upsert(csr("c1", site="s1", supervisor="v1", as_of=JAN), supervisor("v1", site="s1", as_of=JAN))
    assert roster("c1") == ("s2", "v2", FEB)


def test_within_one_file_the_latest_row_wins(unscoped):
    upsert(
        csr("c1", site="s2", supervisor="v2", as_of=FEB),
        csr("c1", site="s1", supervisor="v1", as_of=JAN),
        supervisor("v1", site="s1", as_of=JAN),
        supervisor("v2", site="s2", as_of=FEB),
    )
    assert roster("c1") == ("s2", "v2", FEB)


def test_a_person_seen_in_both_roles_keeps_both(unscoped):
    upsert(
        csr("p1", site="s1", supervisor="v1", as_of=JAN),
        supervisor("v1", site="s1", as_of=JAN),
        supervisor("p1", site="s1", as_of=FEB),
    )
    assert Person.objects.filter(code="p1").values_list("is_csr", "is_supervisor").get() == (True, True)


def test_a_supervisor_link_follows_only_a_csr_row_that_is_the_latest_sighting(unscoped):
    # p1 was a CSR under v1 in January, then appears only as a supervisor in February: no supervisor link moves.
    upsert(
        csr("p1", site="s1", supervisor="v1", as_of=JAN),
        supervisor("v1", site="s1", as_of=JAN),
        supervisor("p1", site="s2", as_of=FEB),
    )
    assert roster("p1") == ("s2", None, FEB)


def test_a_site_takes_the_country_the_latest_file_gives(unscoped):
    row = csr("c1", site="s1", supervisor=None, as_of=JAN)
    upsert(row, sites={("acme", "s1"): "CA"})
    upsert(row, sites={("acme", "s1"): "US"})
    assert Site.objects.values_list("code", "country").get() == ("s1", "US")


def test_the_same_codes_in_two_organizations_are_different_rows(unscoped):
    ids = upsert(
        csr("c1", site="s1", supervisor=None, as_of=JAN, org="acme"),
        csr("c1", site="s1", supervisor=None, as_of=JAN, org="globex"),
    )
    assert len(set(ids.people.values())) == 2
    assert sorted(Person.objects.values_list("organization__code", "site__organization__code")) == [
        ("acme", "acme"),
        ("globex", "globex"),
    ]


def test_creating_the_missing_roster_returns_the_ids_asked_for_and_moves_nobody(unscoped):
    upsert(csr("c1", site="s1", supervisor="v1", as_of=JAN), supervisor("v1", site="s1", as_of=JAN))
    ids = create_missing_roster(
        sites={("acme", "s1"): "US", ("acme", "s2"): "CA", ("beta", "s1"): "FR"},
        people=[("acme", "c1", True, False), ("acme", "c2", True, True), ("beta", "v9", False, True)],
    )
    people = Person.objects.select_related("organization")
    assert ids.people == {(p.organization.code, p.code): p.id for p in people if p.code != "v1"}
    assert ids.sites == {(s.organization.code, s.code): s.id for s in Site.objects.select_related("organization")}
    assert sorted(Site.objects.values_list("organization__code", "code", "country")) == [
        ("acme", "s1", "CA"),
        ("acme", "s2", "CA"),
        ("beta", "s1", "FR"),
    ]
    assert sorted(people.values_list("code", "site__code", "supervisor__code", "is_csr", "is_supervisor")) == [
        ("c1", "s1", "v1", True, False),
        ("c2", None, None, True, True),
        ("v1", "s1", None, False, True),
        ("v9", None, None, False, True),
    ]


# Codes as clients' exports spell them, some of which an array or list literal must quote.
AWKWARD_CODES = ["a,b", 'say "hi"', "o'neil", "{x}", "back\\slash", "NULL", " padded ", "café"]


def test_codes_that_need_quoting_are_found_and_moved(unscoped):
    upsert(*[csr(code, site="s1", supervisor=None, as_of=JAN) for code in AWKWARD_CODES])

    ids = upsert(*[csr(code, site="s2", supervisor=None, as_of=FEB) for code in AWKWARD_CODES])

    assert sorted(ids.people) == sorted(("acme", code) for code in AWKWARD_CODES)
    assert sorted(Person.objects.values_list("code", "site__code")) == sorted((code, "s2") for code in AWKWARD_CODES)


def test_more_people_than_one_statement_lists_are_all_found(unscoped):
    # The people are read in lists of 900 codes (SQLite's limit on a statement's variables): three lists here.
    codes = [f"c{number:04d}" for number in range(1901)]
    create_missing_roster(sites={("acme", "s1"): "CA"}, people=[("acme", code, True, False) for code in codes])

    ids = upsert(*[csr(code, site="s1", supervisor=None, as_of=JAN) for code in codes])

    assert (len(ids.people), Person.objects.filter(site__code="s1", roster_as_of=JAN).count()) == (1901, 1901)


def test_creating_the_missing_roster_finds_people_whose_codes_need_quoting(unscoped):
    ids = create_missing_roster(
        sites={("acme", "s1"): "CA"}, people=[("acme", code, True, False) for code in AWKWARD_CODES]
    )

    assert ids.people == {("acme", code): pk for code, pk in Person.objects.values_list("code", "id")}
