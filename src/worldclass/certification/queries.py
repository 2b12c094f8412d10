"""Reads of certification results: program years (edition in force, runs), and one entity's status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
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
from worldclass.certification.models import CertificationRun, Edition, Level, MonthlyRollup, ProgramYear
from worldclass.core.errors import NotFound
from worldclass.core.months import Month
from worldclass.directory.models import Organization, Person


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
