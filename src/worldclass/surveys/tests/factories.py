"""Survey responses for tests, created through `record_survey_response` so that rollups stay correct."""

from __future__ import annotations

import datetime as dt
import itertools

from django_scopes import scopes_disabled

from worldclass.directory.models import Person, Site
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory
from worldclass.surveys.domain.responses import record_survey_response

EASTERN = dt.timezone(dt.timedelta(hours=-5))
_serial = itertools.count(1)


def create_survey_response(
    *,
    csr: Person | None = None,
    supervisor: Person | None = None,
    site: Site | None = None,
    call_at: dt.datetime | None = None,
    delay: dt.timedelta = dt.timedelta(hours=1),
    surveyed_at: dt.datetime | None = None,
    resolved: bool = True,
    first_call: bool = True,
    overall_sat: int = 5,
    csr_sat: int = 5,
    channel: str = "web",
    rating_scale: tuple[int, int] = (1, 5),
    survey_id: str | None = None,
    comment: str = "",
):
    """One survey, by default a World Class, first-call-resolved call surveyed an hour later.

    Missing people and sites are created (the CSR's site and supervisor are reused when it has them).
    """
    with scopes_disabled():
        if csr is None:
            site = site or SiteFactory()
            supervisor = supervisor or PersonFactory(
                organization=site.organization, site=site, is_csr=False, is_supervisor=True
            )
            csr = PersonFactory(organization=site.organization, site=site, supervisor=supervisor)
        organization = csr.organization
        site = site or csr.site or SiteFactory(organization=organization)
        supervisor = (
            supervisor
            or csr.supervisor
            or PersonFactory(organization=organization, site=site, is_csr=False, is_supervisor=True)
        )
    call_at = call_at or dt.datetime(2025, 3, 12, 10, 0, tzinfo=EASTERN)
    number = next(_serial)
    response, _ = record_survey_response(
        organization=organization,
        site=site,
        supervisor=supervisor,
        csr=csr,
        survey_id=survey_id or f"survey-{number}",
        call_id=f"call-{number}",
        channel=channel,
        call_at=call_at,
        surveyed_at=surveyed_at or call_at + delay,
        resolved=resolved,
        first_call=first_call,
        overall_sat=overall_sat,
        csr_sat=csr_sat,
        comment=comment,
        rating_scale=rating_scale,
        actor="tests",
    )
    return response


__all__ = ["OrganizationFactory", "PersonFactory", "SiteFactory", "create_survey_response"]
