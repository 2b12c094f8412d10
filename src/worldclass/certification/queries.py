"""Reads of certification results: the public registry's data for a year, and one entity's status."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django_scopes import scopes_disabled

from worldclass.accounts.rules import grants_for
from worldclass.certification.domain.evaluation import (
    EditionRules,
    EntityResult,
    evaluate_certifications,
    evaluate_rules,
)
from worldclass.certification.models import Edition, Level, MonthlyRollup
from worldclass.core.errors import NotFound
from worldclass.core.months import Month
from worldclass.directory.models import Organization, Person, Site


@dataclass(frozen=True)
class RegistrySite:
    organization: str
    organization_name: str
    code: str
    name: str
    country: str
    certified_since: str
    valid_through: str


@dataclass(frozen=True)
class RegistryOrganization:
    code: str
    name: str
    certified_since: str
    valid_through: str


@dataclass(frozen=True)
class RegistryYear:
    """Who was certified at the end of a year under that year's edition; consenting organizations only are named."""

    year: int
    edition: str
    through: str
    sites: list[RegistrySite]
    organizations: list[RegistryOrganization]
    csrs_certified: int
    supervisors_certified: int
    unlisted_sites_certified: int
    unlisted_organizations_certified: int

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "edition": self.edition,
            "through": self.through,
            "sites": [site.__dict__ for site in self.sites],
            "organizations": [organization.__dict__ for organization in self.organizations],
            "csrs_certified": self.csrs_certified,
            "supervisors_certified": self.supervisors_certified,
            "unlisted_sites_certified": self.unlisted_sites_certified,
            "unlisted_organizations_certified": self.unlisted_organizations_certified,
        }


def _edition_for(year: int) -> Edition:
    edition = Edition.objects.select_related("survey_window").prefetch_related("level_rules").filter(year=year).first()
    if edition is None:
        raise NotFound(f"There is no edition {year}, so there is no registry for {year}.", code="unknown_edition")
    return edition


def registry_for_year(*, year: int) -> RegistryYear:
    """The year's certified sites and organizations and the number of certified CSRs and supervisors, as of the end
    of the year (December), under that year's edition. Evaluated from the rollups, so it never depends on which
    runs happened to be stored."""
    edition = _edition_for(year)
    through = Month(year, 12)
    evaluation = evaluate_certifications(edition=edition, through=through)
    certified = [entity for entity in evaluation.entities if entity.certified]
    # The public registry reads every organization on purpose; consent decides who is named.
    with scopes_disabled():
        organizations = {org.code: org for org in Organization.objects.filter(code__in={e.org for e in certified})}
        sites = {
            (site.organization.code, site.code): site
            for site in Site.objects.filter(organization__code__in=organizations).select_related("organization")
        }
    listed_sites, listed_organizations = [], []
    unlisted_sites = unlisted_organizations = 0
    for entity in certified:
        organization = organizations[entity.org]
        if entity.level == Level.SITE:
            if not organization.listed_in_registry:
                unlisted_sites += 1
                continue
            site = sites[(entity.org, entity.id)]
            listed_sites.append(
                RegistrySite(
                    organization=organization.code,
                    organization_name=organization.name,
                    code=site.code,
                    name=site.name,
                    country=site.country,
                    certified_since=entity.certified_since,
                    valid_through=entity.valid_through,
                )
            )
        elif entity.level == Level.ORGANIZATION:
            if not organization.listed_in_registry:
                unlisted_organizations += 1
                continue
            listed_organizations.append(
                RegistryOrganization(
                    code=organization.code,
                    name=organization.name,
                    certified_since=entity.certified_since,
                    valid_through=entity.valid_through,
                )
            )
    return RegistryYear(
        year=year,
        edition=str(edition.year),
        through=str(through),
        sites=listed_sites,
        organizations=listed_organizations,
        csrs_certified=sum(1 for e in certified if e.level == Level.CSR),
        supervisors_certified=sum(1 for e in certified if e.level == Level.SUPERVISOR),
        unlisted_sites_certified=unlisted_sites,
        unlisted_organizations_certified=unlisted_organizations,
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
