"""Factories for monthly rollups, and a helper that lays down one entity's months of counts."""

from __future__ import annotations

from collections.abc import Sequence

import factory

from worldclass.certification.models import Level, MonthlyRollup, SurveyWindow
from worldclass.core.months import Month
from worldclass.directory.tests.factories import OrganizationFactory


def survey_window(code: str = "2-business-days") -> SurveyWindow:
    return SurveyWindow.objects.get(code=code)


class MonthlyRollupFactory(factory.django.DjangoModelFactory):
    """One entity's counts in one call month. Pass `entity` (a Person or Site) or `organization` + `entity_id`."""

    class Meta:
        model = MonthlyRollup
        exclude = ["entity"]

    entity = None
    organization = factory.LazyAttribute(lambda o: o.entity.organization if o.entity else OrganizationFactory())
    level = Level.CSR
    entity_id = factory.LazyAttribute(lambda o: o.entity.pk if o.entity else 1)
    month = factory.LazyFunction(lambda: Month(2025, 1).first_day())
    window = factory.LazyFunction(survey_window)
    eligible = 30
    ineligible = 0
    world_class = 25
    fcr = 25
    resolved = factory.LazyAttribute(lambda o: max(o.world_class, o.fcr))
    overall_top_box = factory.LazyAttribute(lambda o: o.world_class)
    csr_top_box = factory.LazyAttribute(lambda o: o.world_class)


def rollup_months(
    *,
    entity,
    level: str,
    start: Month,
    eligible: Sequence[int],
    meeting: Sequence[int],
    window_code: str = "2-business-days",
) -> list[MonthlyRollup]:
    """Consecutive months of counts for one entity from `start`; `meeting` fills both world_class and fcr.
    A month with no eligible and no meeting surveys gets no row (no data that month)."""
    window = survey_window(window_code)
    rows = []
    for offset, (surveys, hits) in enumerate(zip(eligible, meeting, strict=True)):
        if surveys == 0 and hits == 0:
            continue
        rows.append(
            MonthlyRollupFactory(
                entity=entity,
                level=level,
                month=(start + offset).first_day(),
                window=window,
                eligible=surveys,
                world_class=hits,
                fcr=hits,
            )
        )
    return rows
