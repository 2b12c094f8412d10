"""Search from the navigation bar: by name or code, only within what the user's role may see."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from worldclass.core.tenancy import scope_for_user
from worldclass.directory.models import Person
from worldclass.portal.search import RESULTS_PER_KIND, search_directory

pytestmark = pytest.mark.django_db


def found(world, role: str, text: str) -> list[tuple[str, str]]:
    user = world.users[role]
    with scope_for_user(user):
        return [(hit.level, hit.name) for hit in search_directory(user=user, text=text).hits]


def test_staff_find_people_of_every_organization_by_name(world):
    assert found(world, "certifier_staff", "Olga") == [("csr", "Olga Other")]


def test_a_code_finds_too(world):
    assert found(world, "certifier_staff", "nyc") == [("site", "New York")]


def test_an_organization_admin_finds_only_their_organization(world):
    assert found(world, "other_org_admin", "Supervisor") == []
    assert found(world, "org_admin", "Supervisor") == [
        ("supervisor", "Hal Supervisor"),
        ("supervisor", "Sam Supervisor"),
    ]


def test_a_site_manager_finds_only_their_sites_people(world):
    assert found(world, "site_manager", "Supervisor") == [("supervisor", "Sam Supervisor")]


def test_a_site_manager_does_not_find_a_sister_sites_csr(world):
    assert found(world, "site_manager", "Remy") == []


def test_organizations_sites_and_people_are_found_together(world):
    assert found(world, "certifier_staff", "ac") == [("organization", "Acme Insurance")]


def test_a_one_letter_query_finds_nothing(world):
    assert found(world, "certifier_staff", "a") == []


def test_many_matches_are_cut_and_said_so(world):
    with scopes_disabled():
        Person.objects.bulk_create(
            Person(organization=world.org, code=f"Z{n:03d}", name=f"Zed {n}", is_csr=True)
            for n in range(RESULTS_PER_KIND + 1)
        )
    user = world.users["certifier_staff"]
    with scope_for_user(user):
        results = search_directory(user=user, text="Zed")
    assert (len(results.hits), results.truncated) == (RESULTS_PER_KIND, True)


def test_the_results_page_links_each_hit_to_its_dashboard(world):
    client = Client()
    client.force_login(world.users["org_admin"])
    page = client.get("/search/", {"q": "casey"}).content.decode()
    assert f'href="/dashboard/csr/{world.csr.pk}/"' in page


def test_the_navigation_bar_offers_search_to_those_who_may(world):
    client = Client()
    client.force_login(world.users["site_manager"])
    assert 'role="search"' in client.get(f"/dashboard/site/{world.site.pk}/").content.decode()


def test_the_navigation_bar_has_no_search_for_a_csr(world):
    client = Client()
    client.force_login(world.users["csr"])
    assert 'role="search"' not in client.get(f"/dashboard/csr/{world.csr.pk}/").content.decode()
