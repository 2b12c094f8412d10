"""Surveys in through the live-channel path, certification out through `worldclass certify`."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory
from worldclass.surveys.domain.responses import record_survey_response

pytestmark = pytest.mark.django_db

EASTERN = dt.timezone(dt.timedelta(hours=-5))


def record(*, site, supervisor, csr, number, month, world_class):
    call_at = dt.datetime(2025, month, 6, 10, 0, tzinfo=EASTERN)  # a Monday to Friday in Jan-Mar 2025
    record_survey_response(
        organization=site.organization,
        site=site,
        supervisor=supervisor,
        csr=csr,
        survey_id=f"{csr.code}-{month}-{number}",
        call_id=f"call-{csr.code}-{month}-{number}",
        channel="web",
        call_at=call_at,
        surveyed_at=call_at + dt.timedelta(hours=2),
        resolved=True,
        first_call=True,
        overall_sat=5 if world_class else 4,
        csr_sat=5,
        actor="test",
    )


def test_surveys_in_certifications_out():
    organization = OrganizationFactory(code="acme")
    site = SiteFactory(organization=organization, code="east")
    supervisor = PersonFactory(organization=organization, code="s1", is_csr=False, is_supervisor=True)
    strong = PersonFactory(organization=organization, code="c1")
    weak = PersonFactory(organization=organization, code="c2")
    for month in (1, 2, 3):
        for number in range(10):
            record(site=site, supervisor=supervisor, csr=strong, number=number, month=month, world_class=number < 9)
            record(site=site, supervisor=supervisor, csr=weak, number=number, month=month, world_class=number < 7)

    out = StringIO()
    call_command("certify", "--edition", "2013", "--through", "2025-03", "--json", stdout=out)
    entities = {(e["level"], e["id"]): e for e in json.loads(out.getvalue())["entities"]}

    assert {key: (e["qualifies"], e["certified"], e["surveys"], e["meeting"]) for key, e in entities.items()} == {
        ("csr", "c1"): (True, True, 30, 27),
        ("csr", "c2"): (False, False, 30, 21),
        ("supervisor", "s1"): (False, False, None, None),
        ("site", "east"): (False, False, None, None),
        ("organization", "acme"): (False, False, None, None),
    }
    assert (entities[("csr", "c1")]["certified_since"], entities[("csr", "c1")]["valid_through"]) == (
        "2025-03",
        "2026-03",
    )
