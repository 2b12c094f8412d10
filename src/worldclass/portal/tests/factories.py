"""Rollups and survey responses made directly, for dashboard tests that do not need the import pipeline."""

from __future__ import annotations

import datetime as dt
import itertools

from worldclass.certification.models import Edition, MonthlyRollup
from worldclass.certification.tests.factories import MonthlyRollupFactory
from worldclass.surveys.domain.responses import record_survey_response
from worldclass.surveys.models import SurveyResponse

_survey_numbers = itertools.count(1)


def edition(year: int = 2015) -> Edition:
    return Edition.objects.select_related("survey_window").get(year=year)


# The factory's rates, applied to whatever eligible count a test gives.
RATE_DEFAULTS = {"world_class": 80, "fcr": 75, "resolved": 90, "overall_top_box": 85, "csr_top_box": 88}


def rollups_for(*, obj, level: str, months: list[dt.date], window=None, **counts) -> list[MonthlyRollup]:
    """One rollup per month for the entity (an Organization, Site or Person), under the 2015 window by default."""
    organization = obj if level == "organization" else obj.organization
    window = window or edition().survey_window
    eligible = counts.setdefault("eligible", 100)
    for name, percent in RATE_DEFAULTS.items():
        counts.setdefault(name, eligible * percent // 100)
    return [
        MonthlyRollupFactory(
            organization=organization, entity_id=obj.id, level=level, month=month, window=window, **counts
        )
        for month in months
    ]


def survey_response(
    *,
    csr,
    call_at: dt.datetime | None = None,
    resolved: bool = True,
    first_call: bool = True,
    overall_sat: int = 5,
    csr_sat: int = 5,
    comment: str = "",
) -> SurveyResponse:
    """A survey about one of the CSR's calls, recorded as a live channel would (rollups included)."""
    call_at = call_at or dt.datetime(2015, 3, 10, 14, 0, tzinfo=dt.UTC)
    number = next(_survey_numbers)
    response, _created = record_survey_response(
        organization=csr.organization,
        site=csr.site,
        supervisor=csr.supervisor,
        csr=csr,
        survey_id=f"S{number}",
        call_id=f"C{number}",
        channel="web",
        call_at=call_at,
        surveyed_at=call_at + dt.timedelta(hours=1),
        resolved=resolved,
        first_call=first_call,
        overall_sat=overall_sat,
        csr_sat=csr_sat,
        comment=comment,
        actor="test",
    )
    return response
