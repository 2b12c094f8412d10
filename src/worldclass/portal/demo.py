"""Demo accounts, one per role, linked to real people of the demo data (docs/demo-accounts.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.core.domain import record_audit_event
from worldclass.demo import DEMO_PASSWORD
from worldclass.directory.models import Organization, Person, Site


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organization: Organization | None = None
    sites: tuple[Site, ...] = ()
    person: Person | None = None
    is_staff: bool = False

    def describe(self) -> str:
        where = [str(x) for x in (self.organization, *self.sites, self.person) if x is not None]
        return f"{self.username:<18} {self.role:<16} {' / '.join(where)}"


def _pick_people() -> tuple[Organization, Site, Person, Person] | None:
    """The first organization (by code) with a site whose supervisor has a team: the demo's people to log in as."""
    supervisor = (
        Person.objects.filter(is_supervisor=True, site__isnull=False, team__is_csr=True)
        .select_related("organization", "site")
        .order_by("organization__code", "site__code", "code")
        .first()
    )
    if supervisor is None:
        return None
    csr = supervisor.team.filter(is_csr=True).order_by("code").first()
    return supervisor.organization, supervisor.site, supervisor, csr


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount("demo-staff", Role.CERTIFIER_STAFF, is_staff=True),
        DemoAccount("demo-judge", Role.JUDGE),
        DemoAccount("demo-interviewer", Role.INTERVIEWER),
        DemoAccount("demo-qa", Role.QA_REVIEWER),
    ]
    picked = _pick_people()
    if picked is not None:
        organization, site, supervisor, csr = picked
        accounts += [
            DemoAccount("demo-orgadmin", Role.ORG_ADMIN, organization=organization),
            DemoAccount("demo-sitemanager", Role.SITE_MANAGER, organization=organization, sites=(site,)),
            DemoAccount("demo-supervisor", Role.SUPERVISOR, organization=organization, person=supervisor),
            DemoAccount("demo-csr", Role.CSR, organization=organization, person=csr),
        ]
    return accounts


@transaction.atomic
def _ensure(account: DemoAccount) -> bool:
    user, created = User.objects.get_or_create(
        username=account.username,
        defaults={"email": f"{account.username}@demo.worldclass.example", "is_staff": account.is_staff},
    )
    user.person = account.person
    user.is_staff = account.is_staff
    user.set_password(DEMO_PASSWORD)
    user.save()
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=account.role, organization=account.organization
    )
    assignment.sites.set(account.sites)
    if created:
        record_audit_event(
            actor="demo",
            action="accounts.demo_user_created",
            user=user,
            organization=account.organization,
            object_type="accounts.User",
            object_id=user.pk,
            summary=f"Demo account {account.username} ({account.role})",
        )
    return created


def populate_demo(*, seed: int, stdout) -> None:
    """Create (or refresh) one demo user per role; the same accounts whatever the seed, so the docs stay true."""
    del seed  # the accounts follow the data already loaded, which the seed determined
    # Demo set-up reads across organizations on purpose to pick people to log in as.
    with scopes_disabled():
        accounts = demo_accounts()
        for account in accounts:
            _ensure(account)
    stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):\n")
    for account in accounts:
        stdout.write(f"  {account.describe()}\n")
