import datetime as dt
import threading
import uuid

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worldclass.directory.domain import (
    DisplayNames,
    PersonSighting,
    create_missing_roster,
    upsert_roster,
)
from worldclass.directory.models import Organization, Person, Site

pytestmark = pytest.mark.django_db

JAN = dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)
FEB = dt.datetime(2026, 2, 15, 10, tzinfo=dt.UTC)


def csr(code: str, *, site: str, supervisor: str | None, as_of: dt.datetime, org: str = "acme") -> PersonSighting:
    return PersonSighting(organization=org, code=code, site=site, as_of=as_of, supervisor=supervisor, is_csr=True)


def supervisor(code: str, *, site: str, as_of: dt.datetime, org: str = "acme") -> PersonSighting:
    return PersonSighting(organization=org, code=code, site=site, as_of=as_of, is_supervisor=True)


def upsert(*sightings: PersonSighting, sites=None, names=None):
    return upsert_roster(
        organizations={s.organization for s in sightings},
        sites=sites or {(s.organization, s.site): "CA" for s in sightings},
        sightings=list(sightings),
        names=names,
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


# Codes as clients' exports spell them, some of which an array literal or a JSON document must quote or escape.
AWKWARD_CODES = ["a,b", 'say "hi"', "o'neil", "{x}", "back\\slash", "NULL", " padded ", "café", "tab\tcode"]
AWKWARD_CODES.append("🎧 headset")


def test_codes_that_need_quoting_are_found_and_moved(unscoped):
    upsert(*[csr(code, site="s1", supervisor=None, as_of=JAN) for code in AWKWARD_CODES])

    ids = upsert(*[csr(code, site="s2", supervisor=None, as_of=FEB) for code in AWKWARD_CODES])

    assert sorted(ids.people) == sorted(("acme", code) for code in AWKWARD_CODES)
    assert sorted(Person.objects.values_list("code", "site__code")) == sorted((code, "s2") for code in AWKWARD_CODES)


def test_more_people_than_one_statement_lists_are_all_found(unscoped):
    # More people than the 900 variables SQLite allows a statement, were they listed one by one.
    codes = [f"c{number:04d}" for number in range(1901)]
    create_missing_roster(sites={("acme", "s1"): "CA"}, people=[("acme", code, True, False) for code in codes])

    ids = upsert(*[csr(code, site="s1", supervisor=None, as_of=JAN) for code in codes])

    assert (len(ids.people), Person.objects.filter(site__code="s1", roster_as_of=JAN).count()) == (1901, 1901)


def test_creating_the_missing_roster_finds_people_whose_codes_need_quoting(unscoped):
    ids = create_missing_roster(
        sites={("acme", "s1"): "CA"}, people=[("acme", code, True, False) for code in AWKWARD_CODES]
    )

    assert ids.people == {("acme", code): pk for code, pk in Person.objects.values_list("code", "id")}


# Call times a few microseconds, seconds or days apart, and equal ones: SQLite compares the stored text.
MOMENTS = [
    JAN,
    JAN + dt.timedelta(microseconds=500_000),
    JAN + dt.timedelta(seconds=1),
    FEB,
    FEB + dt.timedelta(days=30, microseconds=1),
]
sighting_of = st.fixed_dictionaries(
    {
        "site": st.sampled_from(["s1", "s2", "s3"]),
        "as_of": st.sampled_from(MOMENTS),
        # A supervisor row, or a CSR row with or without a supervisor.
        "supervisor": st.sampled_from([None, "v1", "v2", "as supervisor"]),
    }
)
a_file = st.dictionaries(st.sampled_from(["p1", "p2", "p3"]), sighting_of, min_size=1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(a_file, min_size=1, max_size=5))
def test_files_upserted_one_after_another_leave_everyone_where_their_latest_call_was(unscoped, files):
    org = uuid.uuid4().hex  # each example its own organization
    expected: dict[str, list] = {}
    for rows in files:
        sightings = []
        for code, row in rows.items():
            if row["supervisor"] == "as supervisor":
                sightings.append(supervisor(code, site=row["site"], as_of=row["as_of"], org=org))
            else:
                sightings.append(csr(code, site=row["site"], supervisor=row["supervisor"], as_of=row["as_of"], org=org))
        for code in {s.supervisor for s in sightings if s.supervisor} - set(rows):
            sightings.append(supervisor(code, site="s1", as_of=JAN, org=org))
        upsert(*sightings)
        # The rule, person by person: a call at least as late as the roster's moves them; the roles add up.
        for s in sightings:
            site, boss, as_of, is_csr, is_supervisor = expected.get(s.code, [None, None, None, False, False])
            if as_of is None or s.as_of >= as_of:
                site, as_of = s.site, s.as_of
                boss = s.supervisor or boss
            expected[s.code] = [site, boss, as_of, is_csr or s.is_csr, is_supervisor or s.is_supervisor]

    people = Person.objects.filter(organization__code=org)
    stored = people.values_list("code", "site__code", "supervisor__code", "roster_as_of", "is_csr", "is_supervisor")
    assert {code: list(rest) for code, *rest in stored} == expected


def test_moving_people_takes_as_many_statements_for_few_as_for_many(unscoped):
    def statements_to_move(people: int, org: str) -> int:
        codes = [f"c{number:04d}" for number in range(people)]
        upsert(*[csr(code, site="s1", supervisor=None, as_of=JAN, org=org) for code in codes])
        with CaptureQueriesContext(connection) as queries:
            upsert(*[csr(code, site="s2", supervisor=None, as_of=FEB, org=org) for code in codes])
        return len(queries)

    few, many = statements_to_move(5, "few"), statements_to_move(800, "many")

    assert (few, Person.objects.filter(site__code="s2").count()) == (many, 805)


@pytest.mark.django_db(transaction=True)
def test_an_older_file_waiting_on_a_newer_one_moves_nobody_back_once_it_commits(unscoped):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    with transaction.atomic():
        upsert(csr("c1", site="s1", supervisor=None, as_of=JAN))
    newer_written, older_started, failures = threading.Event(), threading.Event(), []

    def newer():
        try:
            with transaction.atomic():
                upsert(csr("c1", site="s3", supervisor=None, as_of=FEB))
                newer_written.set()
                older_started.wait(timeout=10)
                with connection.cursor() as cursor:  # commit only once the older file waits for c1's row
                    for _ in range(200):
                        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                        if cursor.fetchone()[0]:
                            break
                        threading.Event().wait(0.05)
        except Exception as error:  # reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    def older():
        try:
            newer_written.wait(timeout=10)
            older_started.set()
            with transaction.atomic():
                upsert(csr("c1", site="s2", supervisor=None, as_of=JAN + dt.timedelta(days=1)))
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=newer), threading.Thread(target=older)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (failures, roster("c1")) == ([], ("s3", None, FEB))


@pytest.mark.django_db(transaction=True)
def test_an_upsert_locks_everyone_it_names_until_it_commits_even_those_it_leaves_as_they_are(unscoped):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers")
    upsert(csr("c1", site="s1", supervisor=None, as_of=FEB), csr("c2", site="s1", supervisor=None, as_of=JAN))
    locked = {}

    def try_to_lock(code):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM directory_person WHERE code = %s FOR NO KEY UPDATE NOWAIT", [code])
            locked[code] = False
        except OperationalError:
            locked[code] = True
        finally:
            connection.close()

    with transaction.atomic():
        # c1 stays where it is (an older call); c2 moves.
        upsert(csr("c1", site="s2", supervisor=None, as_of=JAN), csr("c2", site="s2", supervisor=None, as_of=FEB))
        for code in ("c1", "c2"):
            thread = threading.Thread(target=try_to_lock, args=(code,))
            thread.start()
            thread.join()

    assert locked == {"c1": True, "c2": True}


def test_display_names_rename_only_the_rows_whose_name_differs(unscoped):
    rows = (csr("c1", site="s1", supervisor="v1", as_of=JAN), supervisor("v1", site="s1", as_of=JAN))
    upsert(*rows, names=DisplayNames(people={("acme", "c1"): "Ann", ("acme", "v1"): "Vic"}))

    ids = upsert(
        *rows,
        names=DisplayNames(
            organizations={"acme": "Acme Inc."},
            sites={("acme", "s1"): "Montréal"},
            people={("acme", "c1"): "Ann", ("acme", "v1"): "Victor", ("acme", "nobody"): "Ghost"},
        ),
    )

    assert (ids.renamed, Organization.objects.get().name, Site.objects.get().name) == (3, "Acme Inc.", "Montréal")
    assert sorted(Person.objects.values_list("code", "name")) == [("c1", "Ann"), ("v1", "Victor")]


def test_an_empty_display_name_never_erases_one(unscoped):
    row = csr("c1", site="s1", supervisor=None, as_of=JAN)
    upsert(row, names=DisplayNames(people={("acme", "c1"): "Ann"}))

    ids = upsert(row, names=DisplayNames(people={("acme", "c1"): ""}, organizations={"nowhere": "X", "acme": ""}))

    assert (ids.renamed, Person.objects.get().name, Organization.objects.get().name) == (0, "Ann", "acme")


def test_a_person_moved_and_renamed_is_written_once(unscoped):
    if connection.vendor != "postgresql":
        pytest.skip("the row versions an update leaves are PostgreSQL's")
    upsert(csr("c1", site="s1", supervisor=None, as_of=JAN))
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'directory_person'")
        (updates_before,) = cursor.fetchone()

        upsert(csr("c1", site="s2", supervisor=None, as_of=FEB), names=DisplayNames(people={("acme", "c1"): "Ann"}))

        cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'directory_person'")
        (updates_after,) = cursor.fetchone()
    assert (updates_after - updates_before, roster("c1"), Person.objects.get().name) == (1, ("s2", None, FEB), "Ann")
