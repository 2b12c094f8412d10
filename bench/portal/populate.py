"""Fill a database with a large rollup table (and some comments) for the portal's load test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_portal PYTHONPATH=src python bench/portal/populate.py \
        --organizations 4 --sites 10 --supervisors 10 --csrs 12 --months 36

Rollups are written directly (as the import would leave them) for every survey window, at every level. Users
`bench-<role>` (password `bench-password`) see the first organization. Running it again does nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from worldclass.accounts.models import Role, RoleAssignment, User  # noqa: E402
from worldclass.certification.models import MonthlyRollup, SurveyWindow  # noqa: E402
from worldclass.core.months import Month  # noqa: E402
from worldclass.directory.models import Organization, Person, Site  # noqa: E402
from worldclass.surveys.models import SurveyResponse  # noqa: E402

PASSWORD = "bench-password"
COUNTS = ["world_class", "fcr", "resolved", "overall_top_box", "csr_top_box"]


def _counts(rng: random.Random, eligible: int, skill: float) -> dict:
    fcr = sum(rng.random() < skill for _ in range(eligible)) if eligible < 50 else int(eligible * skill)
    world_class = min(fcr, int(eligible * (skill - 0.05)))
    return {
        "eligible": eligible,
        "ineligible": eligible // 10,
        "world_class": max(0, world_class),
        "fcr": fcr,
        "resolved": min(eligible, fcr + eligible // 20),
        "overall_top_box": min(eligible, fcr + 1),
        "csr_top_box": min(eligible, fcr + 2),
    }


def _sum(rows: list[dict]) -> dict:
    return {name: sum(r[name] for r in rows) for name in ["eligible", "ineligible", *COUNTS]}


def _rollup(org: Organization, level: str, entity_id: int, month: dt.date, window_id: int, counts: dict):
    return MonthlyRollup(organization=org, level=level, entity_id=entity_id, month=month, window_id=window_id, **counts)


def populate(*, organizations: int, sites: int, supervisors: int, csrs: int, months: int, comments: int) -> None:
    rng = random.Random(20151)
    windows = list(SurveyWindow.objects.all())
    end = Month(2015, 12)
    month_list = [(end - (months - 1 - i)).first_day() for i in range(months)]
    rollups: list[MonthlyRollup] = []
    first_site = first_supervisor = None
    for o in range(organizations):
        org = Organization.objects.create(code=f"bench-{o}", name=f"Bench Organization {o}")
        org_rows = {(w.id, m): [] for w in windows for m in month_list}
        for s in range(sites):
            site = Site.objects.create(organization=org, code=f"s{s}", name=f"Site {o}-{s}", country="CA")
            first_site = first_site or site
            site_rows = {(w.id, m): [] for w in windows for m in month_list}
            for v in range(supervisors):
                supervisor = Person.objects.create(
                    organization=org, code=f"s{s}v{v}", name=f"Supervisor {o}-{s}-{v}", site=site, is_supervisor=True
                )
                first_supervisor = first_supervisor or supervisor
                team = Person.objects.bulk_create(
                    [
                        Person(
                            organization=org,
                            code=f"s{s}v{v}c{c}",
                            name=f"CSR {o}-{s}-{v}-{c}",
                            site=site,
                            supervisor=supervisor,
                            is_csr=True,
                        )
                        for c in range(csrs)
                    ]
                )
                for window in windows:
                    for month in month_list:
                        team_rows = []
                        for person in team:
                            row = _counts(rng, rng.randint(5, 20), rng.uniform(0.6, 0.95))
                            team_rows.append(row)
                            rollups.append(_rollup(org, "csr", person.id, month, window.id, row))
                        total = _sum(team_rows)
                        site_rows[(window.id, month)].append(total)
                        rollups.append(_rollup(org, "supervisor", supervisor.id, month, window.id, total))
            for (window_id, month), rows in site_rows.items():
                total = _sum(rows)
                org_rows[(window_id, month)].append(total)
                rollups.append(_rollup(org, "site", site.id, month, window_id, total))
            if len(rollups) > 50_000:
                MonthlyRollup.objects.bulk_create(rollups, batch_size=5000)
                rollups.clear()
        for (window_id, month), rows in org_rows.items():
            rollups.append(_rollup(org, "organization", org.id, month, window_id, _sum(rows)))
    MonthlyRollup.objects.bulk_create(rollups, batch_size=5000)
    # Comments for the first site's CSRs (the comments page is the one page that reads raw surveys).
    team = list(Person.objects.filter(site=first_site, is_csr=True))
    responses = []
    for n in range(comments):
        csr = rng.choice(team)
        call_at = dt.datetime(2015, rng.randint(1, 12), rng.randint(1, 28), 10, tzinfo=dt.UTC)
        resolved, overall, csr_sat = rng.random() < 0.85, rng.randint(1, 5), rng.randint(1, 5)
        responses.append(
            SurveyResponse(
                organization_id=csr.organization_id,
                site_id=csr.site_id,
                supervisor_id=csr.supervisor_id,
                csr=csr,
                survey_id=f"B{n}",
                call_id=f"BC{n}",
                channel="web",
                call_at=call_at,
                surveyed_at=call_at + dt.timedelta(hours=2),
                call_local_date=call_at.date(),
                survey_local_date=call_at.date(),
                call_month=call_at.date().replace(day=1),
                delay_seconds=7200,
                business_days_after_call=0,
                resolved=resolved,
                first_call=True,
                overall_sat=overall,
                csr_sat=csr_sat,
                comment=f"Bench comment {n}",
                is_fcr=resolved,
                is_world_class_call=resolved and overall == 5 and csr_sat == 5,
                content_sha256=hashlib.sha256(str(n).encode()).hexdigest(),
            )
        )
    SurveyResponse.objects.bulk_create(responses, batch_size=5000)
    org = Organization.objects.get(code="bench-0")
    create_bench_users(
        org=org, site=first_site, supervisor=first_supervisor, csr=first_supervisor.team.order_by("code").first()
    )


def create_bench_users(*, org: Organization, site: Site, supervisor: Person, csr: Person) -> None:
    """The users `bench-<role>` that load.py signs in as (password PASSWORD): certifier staff, and the organization
    admin, the site's manager, the supervisor and the CSR of `org`."""
    for role, organization, person, sites in [
        (Role.CERTIFIER_STAFF, None, None, ()),
        (Role.ORG_ADMIN, org, None, ()),
        (Role.SITE_MANAGER, org, None, (site,)),
        (Role.SUPERVISOR, org, supervisor, ()),
        (Role.CSR, org, csr, ()),
    ]:
        user = User.objects.create_user(username=f"bench-{role}", password=PASSWORD, person=person)
        RoleAssignment.objects.create(user=user, role=role, organization=organization).sites.set(sites)
        if role == Role.CERTIFIER_STAFF:
            # Certifier staff must sign in with a second factor; load.py computes its codes.
            TOTPDevice.objects.create(user=user, name="bench authenticator", confirmed=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organizations", type=int, default=4)
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--supervisors", type=int, default=10)
    parser.add_argument("--csrs", type=int, default=12)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--comments", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with scopes_disabled():
        if Organization.objects.filter(code="bench-0").exists():
            print(f"already populated: {MonthlyRollup.objects.count()} rollups")
            return 0
        started = time.monotonic()
        with transaction.atomic():
            populate(
                organizations=args.organizations,
                sites=args.sites,
                supervisors=args.supervisors,
                csrs=args.csrs,
                months=args.months,
                comments=args.comments,
            )
        print(f"{MonthlyRollup.objects.count()} rollups written in {time.monotonic() - started:.0f}s")
    # The planner's statistics, as autovacuum would soon gather them: a server with autovacuum off (as on one bench
    # machine) would otherwise plan the pages over tables it takes for empty, at several times the cost.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
