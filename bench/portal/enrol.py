"""Sign the portal's load test into an organization that was imported, not populated: the 10M run's biggest client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_10m PYTHONPATH=src python bench/portal/enrol.py northwind
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wc_10m PYTHONPATH=src python bench/portal/load.py

Creates the users `bench-<role>` (password `bench-password`) that `load.py` signs in as: an organization admin of
the organization, a site manager of its site with the most surveys, the supervisor of its biggest team, that team's
first CSR, and certifier staff with an authenticator. `populate.py` makes the same users over synthetic rollups;
this one measures the pages over a client's real volume (at 10M surveys, 46,000 CSRs in one organization).
Running it again does nothing.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "worldclass.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from populate import create_bench_users  # noqa: E402 (this folder: the same users as over synthetic rollups)

from worldclass.accounts.models import User  # noqa: E402
from worldclass.directory.models import Organization, Person  # noqa: E402
from worldclass.surveys.models import SurveyResponse  # noqa: E402


def enrol(*, code: str) -> None:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise SystemExit(f"no organization {code!r}: import its surveys first")
    busiest_site_id = (
        SurveyResponse.objects.filter(organization=org)
        .values("site_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("site_id", flat=True)
        .first()
    )
    if busiest_site_id is None:
        raise SystemExit(f"{code} has no surveys: import them first")
    site = org.sites.get(id=busiest_site_id)
    supervisor = (
        Person.objects.filter(organization=org, is_supervisor=True)
        .annotate(team_size=Count("team"))
        .order_by("-team_size", "code")
        .first()
    )
    csr = supervisor.team.order_by("code").first() if supervisor else None
    if csr is None:
        raise SystemExit(f"{code} has no supervisor with a team on its roster")
    create_bench_users(org=org, site=site, supervisor=supervisor, csr=csr)
    print(f"{org.code}: site {site.code}, supervisor {supervisor.code} ({supervisor.team_size} CSRs), CSR {csr.code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("organization", help="the code of an imported organization")
    args = parser.parse_args()
    with scopes_disabled():
        if User.objects.filter(username__startswith="bench-").exists():
            print("already enrolled")
            return 0
        with transaction.atomic():
            enrol(code=args.organization)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
