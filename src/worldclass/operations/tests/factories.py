"""Call-record rows and imports for the operations tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django_scopes import scopes_disabled

from worldclass.directory.models import Organization
from worldclass.operations.domain.calls import import_calls

_sequence = itertools.count(1)
T0 = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


def call_row(**overrides) -> dict:
    """One valid CSV row; each call gets a fresh id and customer unless told otherwise."""
    n = next(_sequence)
    started = overrides.pop("started", T0 + dt.timedelta(minutes=n))
    row = {
        "call_id": f"CALL-{n:07d}",
        "org": "acme",
        "site": "tor",
        "country": "CA",
        "timezone": "America/Toronto",
        "supervisor": "S1",
        "csr": "C1",
        "customer_phone": f"+1416555{n % 10000:04d}",
        "customer_email": f"customer{n}@example.com",
        "language": "en",
        "started_at": started.isoformat(),
        "ended_at": (started + dt.timedelta(minutes=5)).isoformat(),
        "queue": "general",
        "call_type": "billing",
        "disposition": "answered",
        "do_not_survey": "no",
    }
    row.update(overrides)
    return row


def load_calls(rows: list[dict], *, org_code: str = "acme", now: dt.datetime | None = None, source: str = "calls.csv"):
    """Import rows for an organization (created when missing) as the CLI would."""
    with scopes_disabled():
        organization, _ = Organization.objects.get_or_create(code=org_code, defaults={"name": org_code})
    return import_calls(
        organization=organization,
        raw_rows=[(index + 2, row) for index, row in enumerate(rows)],
        source_name=source,
        sha256="0" * 64,
        actor="test",
        now=now or T0 + dt.timedelta(hours=1),
    )


def set_plan(site_code: str = "tor", *, org_code: str = "acme", **fields) -> None:
    """Create or change a site's sampling plan before calls arrive."""
    from worldclass.directory.models import Site
    from worldclass.operations.models import SamplePlan

    with scopes_disabled():
        organization, _ = Organization.objects.get_or_create(code=org_code, defaults={"name": org_code})
        site, _ = Site.objects.get_or_create(
            organization=organization, code=site_code, defaults={"country": "CA", "timezone": "America/Toronto"}
        )
        SamplePlan.objects.update_or_create(site=site, defaults={"organization": organization, **fields})
