"""Demo accounts, one per role, linked to real people of the demo data (docs/demo-accounts.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticToken
from django_scopes import scopes_disabled

from worldclass.accounts.domain import enroll_known_authenticator, requires_second_factor
from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.core.domain import record_audit_event
from worldclass.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
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


def demo_recovery_codes(username: str) -> list[str]:
    """Three single-use recovery codes per demo account, refreshed by each demo run."""
    return [f"{username.removeprefix('demo-')}{StaticToken.random_token()}" for _ in range(3)]


@transaction.atomic
def _ensure(account: DemoAccount) -> list[str]:
    """Create or refresh the account; returns its fresh recovery codes when it logs in with a second factor."""
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
    if not requires_second_factor(user=user):
        return []
    codes = demo_recovery_codes(account.username)
    enroll_known_authenticator(user=user, secret_base32=DEMO_TOTP_SECRET, recovery_codes=codes)
    return codes


def populate_demo(*, seed: int, stdout) -> None:
    """Create (or refresh) one demo user per role; the same accounts whatever the seed, so the docs stay true."""
    del seed  # the accounts follow the data already loaded, which the seed determined
    # Demo set-up reads across organizations on purpose to pick people to log in as.
    with scopes_disabled():
        accounts = demo_accounts()
        codes = {account.username: _ensure(account) for account in accounts}
    stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):\n")
    for account in accounts:
        stdout.write(f"  {account.describe()}\n")
    stdout.write(
        f"Second factor for {', '.join(name for name, c in codes.items() if c)}: authenticator key {DEMO_TOTP_SECRET}"
        " (docs/demo-accounts.md), or one of these single-use recovery codes:\n"
    )
    for name, account_codes in codes.items():
        if account_codes:
            stdout.write(f"    {name}: {' '.join(account_codes)}\n")
