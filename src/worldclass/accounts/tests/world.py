"""A small world with one user per role, for the authorization matrix and permission tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.directory.models import Organization, Person, Site

ROLES = [
    "anonymous",
    "certifier_staff",
    "org_admin",
    "site_manager",
    "supervisor",
    "csr",
    "judge",
    "interviewer",
    "qa_reviewer",
    "other_org_admin",
    # Django's is_staff without any role: it opens Django's admin and nothing else.
    "django_staff",
    # A superuser without any role holds every permission, certifier staff's included.
    "superuser",
]
PASSWORD = "correct horse battery staple"


@lru_cache
def _hashed_password(hashers: tuple[str, ...]) -> str:
    # Argon2 is slow on purpose; the world's nine users share one password, so hash it once per hasher setting.
    return make_password(PASSWORD)


def hashed_password() -> str:
    """The world's password hashed under the current PASSWORD_HASHERS, computed once."""
    return _hashed_password(tuple(settings.PASSWORD_HASHERS))


@dataclass
class RoleWorld:
    org: Organization
    other_org: Organization
    site: Site
    sister_site: Site
    other_site: Site
    supervisor: Person
    csr: Person
    teammate: Person
    sister_site_csr: Person
    other_csr: Person
    users: dict[str, User | None] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def build_role_world() -> RoleWorld:
    """Org A (sites A1, A2) and org B (site B1), their people, and a user for each role."""
    with scopes_disabled():
        org = Organization.objects.create(code="acme", name="Acme Insurance")
        other_org = Organization.objects.create(code="globex", name="Globex Bank")
        site = Site.objects.create(
            organization=org, code="tor", name="Toronto", country="CA", timezone="America/Toronto"
        )
        sister_site = Site.objects.create(
            organization=org, code="hal", name="Halifax", country="CA", timezone="America/Halifax"
        )
        other_site = Site.objects.create(
            organization=other_org, code="nyc", name="New York", country="US", timezone="America/New_York"
        )
        supervisor = Person.objects.create(
            organization=org, code="S1", name="Sam Supervisor", site=site, is_supervisor=True
        )
        csr = Person.objects.create(
            organization=org, code="C1", name="Casey CSR", site=site, supervisor=supervisor, is_csr=True
        )
        teammate = Person.objects.create(
            organization=org, code="C2", name="Toni Teammate", site=site, supervisor=supervisor, is_csr=True
        )
        sister_supervisor = Person.objects.create(
            organization=org, code="S2", name="Hal Supervisor", site=sister_site, is_supervisor=True
        )
        sister_site_csr = Person.objects.create(
            organization=org, code="C3", name="Remy Remote", site=sister_site, supervisor=sister_supervisor, is_csr=True
        )
        other_csr = Person.objects.create(organization=other_org, code="X1", name="Olga Other", is_csr=True)
        world = RoleWorld(
            org=org,
            other_org=other_org,
            site=site,
            sister_site=sister_site,
            other_site=other_site,
            supervisor=supervisor,
            csr=csr,
            teammate=teammate,
            sister_site_csr=sister_site_csr,
            other_csr=other_csr,
        )
        world.users["anonymous"] = None

        def make(name: str, role: str, organization=None, person=None, sites=(), is_staff=False) -> User:
            user = User.objects.create(
                username=name, email=f"{name}@example.com", password=hashed_password(), person=person, is_staff=is_staff
            )
            assignment = RoleAssignment.objects.create(user=user, role=role, organization=organization)
            if sites:
                assignment.sites.set(sites)
            world.users[name] = user
            return user

        make("certifier_staff", Role.CERTIFIER_STAFF, is_staff=True)
        make("org_admin", Role.ORG_ADMIN, organization=org)
        make("site_manager", Role.SITE_MANAGER, organization=org, sites=[site])
        make("supervisor", Role.SUPERVISOR, organization=org, person=supervisor)
        make("csr", Role.CSR, organization=org, person=csr)
        make("judge", Role.JUDGE)
        make("interviewer", Role.INTERVIEWER)
        make("qa_reviewer", Role.QA_REVIEWER)
        make("other_org_admin", Role.ORG_ADMIN, organization=other_org)
        world.users["django_staff"] = User.objects.create(
            username="django_staff", email="django_staff@example.com", password=hashed_password(), is_staff=True
        )
        world.users["superuser"] = User.objects.create(
            username="superuser",
            email="superuser@example.com",
            password=hashed_password(),
            is_staff=True,
            is_superuser=True,
        )
    return world


def client_for(world: RoleWorld, role: str) -> Client:
    """A test client signed in as the world's user of `role`."""
    client = Client()
    client.force_login(world.users[role])
    return client
