"""Reads of certification results: program years (edition in force, runs), and one entity's status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django_scopes import scopes_disabled

from worldclass.accounts.rules import grants_for
from worldclass.certification.domain.evaluation import (
    EditionRules,
    EntityResult,
    evaluate_rules,
)

# Reads of program years live with the rules they serve (domain.program); readers may import them from here.
from worldclass.certification.domain.program import edition_in_force as edition_in_force
from worldclass.certification.domain.program import latest_program_run as latest_program_run
from worldclass.certification.domain.program import program_year_runs as program_year_runs
from worldclass.certification.models import (
    Certification,
    CertificationRun,
    Edition,
    LevelRule,
    MonthlyRollup,
    ProgramYear,
    SurveyWindow,
)

# Certification's vocabulary, for the apps that may not import its models: the four levels and the window kinds.
from worldclass.certification.models import Level as Level
from worldclass.core.errors import NotFound
from worldclass.core.months import Month
from worldclass.directory.models import Organization, Person

WindowKind = SurveyWindow.Kind  # The kinds of survey window, likewise part of the vocabulary.
OrganizationRule = Edition.OrganizationRule  # And how an edition certifies an organization.


def latest_edition() -> Edition | None:
    """The newest edition (with its survey window), or None before any edition exists."""
    return Edition.objects.select_related("survey_window").order_by("-year").first()


def organization_rollup_totals(
    *, organization_id: int, window_id: int, start: Month, end: Month, counts: list[str]
) -> dict[str, int]:
    """An organization's own organization-level rollups summed over the months `start`..`end`, one total per
    count named (`eligible`, `fcr`, `world_class`, ...); 0 where there is none. Opens no scope: the caller's."""
    totals = MonthlyRollup.objects.filter(
        organization_id=organization_id,
        level=Level.ORGANIZATION,
        entity_id=organization_id,
        window_id=window_id,
        month__gte=start.first_day(),
        month__lte=end.first_day(),
    ).aggregate(**{name: Sum(name) for name in counts})
    return {key: value or 0 for key, value in totals.items()}


def all_editions() -> QuerySet[Edition]:
    """Every edition with its survey window, oldest first."""
    return Edition.objects.select_related("survey_window").order_by("year")


def edition_of_year(*, year: int) -> Edition | None:
    return Edition.objects.select_related("survey_window").filter(year=year).first()


def level_rule_for(*, edition: Edition, level: str) -> LevelRule | None:
    """The edition's threshold and minimum sample for a level (organizations have none of their own)."""
    if level == Level.ORGANIZATION:
        return None
    return LevelRule.objects.filter(edition=edition, level=level).first()


def rollups_of(*, window, level: str) -> QuerySet[MonthlyRollup]:
    """One survey window's (a window or its id) rollups of one level, within the open scope; callers narrow them."""
    return MonthlyRollup.objects.filter(window=window, level=level)


def editions_by_year(*, years: list[int]) -> dict[int, Edition]:
    """The editions of these years, by year; a year without an edition is missing from the answer."""
    return Edition.objects.in_bulk(years, field_name="year")


def site_rollup_totals(*, window: SurveyWindow, through: dt.date) -> dict[str, int]:
    """Eligible and ineligible surveys of every site (open scope permitting) in the window, up to a month."""
    totals = MonthlyRollup.objects.filter(window=window, level=Level.SITE, month__lte=through).aggregate(
        eligible=Sum("eligible"), ineligible=Sum("ineligible")
    )
    return {key: value or 0 for key, value in totals.items()}


def certifications() -> QuerySet[Certification]:
    """Every certification (within the open scope); callers narrow it to what their reader may see."""
    return Certification.objects.all()


def certifications_valid_at_run(*, run: CertificationRun) -> QuerySet[Certification]:
    """The certifications under the run's edition achieved by the run's month and still valid then."""
    return Certification.objects.filter(
        edition_id=run.edition_id,
        achieved_month__lte=run.through_month,
        valid_through_month__gte=run.through_month,
    )


def get_certification_run(*, pk: int) -> CertificationRun | None:
    return CertificationRun.objects.filter(pk=pk).first()


def published_run(*, year: int) -> CertificationRun | None:
    """The run published as the year's results (with its edition), or None while none is."""
    program_year = ProgramYear.objects.select_related("published_run__edition").filter(year=year).first()
    return program_year.published_run if program_year else None


def is_published_run(*, year: int, run: CertificationRun) -> bool:
    return ProgramYear.objects.filter(year=year, published_run=run).exists()


def published_years() -> list[int]:
    """The program years whose results are published."""
    return list(ProgramYear.objects.filter(published_run__isnull=False).values_list("year", flat=True))


@dataclass(frozen=True)
class ProgramYearStatus:
    """A program year as staff see it: its edition in force (set, or the default), runs, and what is published."""

    year: int
    edition: Edition
    edition_is_default: bool
    runs: int
    latest_run: CertificationRun | None
    published_run: CertificationRun | None
    published_at: dt.datetime | None


def program_year_status(*, year: int) -> ProgramYearStatus:
    row = ProgramYear.objects.select_related("published_run__edition").filter(year=year).first()
    return ProgramYearStatus(
        year=year,
        edition=edition_in_force(year=year),
        edition_is_default=row is None,
        runs=CertificationRun.objects.filter(program_year=year).count(),
        latest_run=latest_program_run(year=year),
        published_run=row.published_run if row else None,
        published_at=row.published_at if row else None,
    )


def entity_status(*, edition: Edition, level: str, entity_id: int, through: Month) -> EntityResult:
    """One entity's evaluation at a month (the Person id for CSRs and supervisors, Site id, Organization id),
    reading only that entity's rollups (an organization's: its sites')."""
    organization = None
    if level == Level.ORGANIZATION:
        with scopes_disabled():  # Looking up the organization by id; the caller has checked who may see it.
            organization = Organization.objects.filter(pk=entity_id).first()
        if organization is None:
            raise NotFound(f"There is no organization {entity_id}.")
    evaluation = evaluate_rules(
        rules=EditionRules.from_edition(edition),
        through=through,
        organization=organization,
        level=level,
        entity_id=entity_id,
    )
    for entity in evaluation.entities:
        if entity.level == level and entity.entity_pk == entity_id:
            return entity
    raise NotFound(f"No {level} {entity_id} with survey data up to {through} under edition {edition.year}.")


def site_statuses(*, edition: Edition, organization_id: int, through: Month) -> list[EntityResult]:
    """The organization's sites with survey data, each evaluated at a month: what decides the organization."""
    return level_statuses(edition=edition, organization_id=organization_id, level=Level.SITE, through=through)


def level_statuses(
    *, edition: Edition, organization_id: int, level: str, through: Month, entity_ids: list[int] | None = None
) -> list[EntityResult]:
    """The organization's entities of one level (sites, supervisors or CSRs; only `entity_ids`, when given) with
    survey data, each evaluated at a month in one pass; none when the edition does not evaluate that level."""
    with scopes_disabled():  # Looking up the organization by id; the caller has checked who may see it.
        organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(f"There is no organization {organization_id}.")
    evaluation = evaluate_rules(
        rules=EditionRules.from_edition(edition),
        through=through,
        organization=organization,
        level=level,
        entity_ids=entity_ids,
    )
    return [entity for entity in evaluation.entities if entity.level == level]


def rollups_visible_to(user) -> QuerySet[MonthlyRollup]:
    """Monthly rollups of the entities whose dashboards the user may see (`accounts.rules.grants_for` as a filter)."""
    grants = grants_for(user)
    if grants.all_organizations:
        return MonthlyRollup.objects.all()
    person_levels = [Level.CSR, Level.SUPERVISOR]
    condition = Q(organization_id__in=grants.organization_ids)
    if grants.site_ids:
        condition |= Q(level=Level.SITE, entity_id__in=grants.site_ids)
        condition |= Q(
            level__in=person_levels,
            entity_id__in=Person.objects.filter(site_id__in=grants.site_ids).values("id"),
        )
    if grants.supervisor_person_id is not None:
        condition |= Q(level__in=person_levels, entity_id=grants.supervisor_person_id)
        condition |= Q(
            level=Level.CSR,
            entity_id__in=Person.objects.filter(supervisor_id=grants.supervisor_person_id).values("id"),
        )
    if grants.csr_person_id is not None:
        condition |= Q(level=Level.CSR, entity_id=grants.csr_person_id)
    return MonthlyRollup.objects.filter(condition)


def editions_newest_first() -> QuerySet[Edition]:
    """Every edition, the latest first (for pickers)."""
    return Edition.objects.order_by("-year")


LEVEL_CHOICES = Level.choices
