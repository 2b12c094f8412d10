import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scopes_disabled

from worldclass.accounts.queries import (
    certifier_staff_users,
    organizations_visible_to,
    people_visible_to,
    sites_visible_to,
)
from worldclass.accounts.rules import can_view_organization, can_view_person, can_view_site, is_certifier_staff
from worldclass.accounts.tests.world import build_role_world
from worldclass.directory.models import Organization, Person, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_role_world()


EXPECTED_PEOPLE = {
    "certifier_staff": ["C1", "C2", "C3", "S1", "S2", "X1"],
    "org_admin": ["C1", "C2", "C3", "S1", "S2"],
    "site_manager": ["C1", "C2", "S1"],
    "supervisor": ["C1", "C2", "S1"],
    "csr": ["C1"],
    "judge": [],
    "interviewer": [],
    "qa_reviewer": [],
    "other_org_admin": ["X1"],
}
EXPECTED_SITES = {
    "certifier_staff": ["hal", "nyc", "tor"],
    "org_admin": ["hal", "tor"],
    "site_manager": ["tor"],
    "other_org_admin": ["nyc"],
}
EXPECTED_ORGANIZATIONS = {"certifier_staff": ["acme", "globex"], "org_admin": ["acme"], "other_org_admin": ["globex"]}


@pytest.mark.parametrize("role", EXPECTED_PEOPLE)
def test_can_view_person(world, role):
    user = world.users[role]
    with scopes_disabled():
        visible = sorted(p.code for p in Person.objects.all() if can_view_person(user, p))
    assert visible == EXPECTED_PEOPLE[role]


@pytest.mark.parametrize("role", EXPECTED_PEOPLE)
def test_can_view_site(world, role):
    user = world.users[role]
    with scopes_disabled():
        visible = sorted(s.code for s in Site.objects.all() if can_view_site(user, s))
    assert visible == EXPECTED_SITES.get(role, [])


@pytest.mark.parametrize("role", EXPECTED_PEOPLE)
def test_can_view_organization(world, role):
    user = world.users[role]
    visible = sorted(o.code for o in Organization.objects.all() if can_view_organization(user, o))
    assert visible == EXPECTED_ORGANIZATIONS.get(role, [])


@pytest.mark.parametrize("role", EXPECTED_PEOPLE)
def test_visible_querysets_agree_with_the_rules(world, role):
    user = world.users[role]
    with scopes_disabled():
        got = (
            sorted(p.code for p in people_visible_to(user)),
            sorted(s.code for s in sites_visible_to(user)),
            sorted(o.code for o in organizations_visible_to(user)),
        )
    assert got == (EXPECTED_PEOPLE[role], EXPECTED_SITES.get(role, []), EXPECTED_ORGANIZATIONS.get(role, []))


def test_permissions_are_registered_with_django(world):
    with scopes_disabled():
        person = Person.objects.get(code="C2")
    assert (
        world.users["supervisor"].has_perm("directory.view_person", person),
        world.users["csr"].has_perm("directory.view_person", person),
    ) == (True, False)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("certifier_staff", True),
        ("superuser", True),
        # Django's is_staff opens the admin and grants nothing else.
        ("django_staff", False),
        ("org_admin", False),
        ("judge", False),
        ("anonymous", False),
    ],
)
def test_is_certifier_staff(world, role, expected):
    user = world.users[role] or AnonymousUser()
    assert is_certifier_staff(user) == expected


def test_certifier_staff_users_are_exactly_those_the_predicate_accepts(world):
    assert sorted(certifier_staff_users().values_list("username", flat=True)) == ["certifier_staff", "superuser"]
