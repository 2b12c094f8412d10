"""The public registry pages' data: the engine's registry of a year, less revoked certificates, plus history.

Who is certified in a year comes from `certification.queries.registry_for_year` (the year's edition evaluated through
December, sites and organizations named only with their organization's consent, everyone counted). This module adds
what the public pages need on top: a revoked certificate takes its site or organization off the registry and out of
the counts (and a revoked CSR or supervisor out of the people counts), and the historical registries published before
the platform are shown beside, marked as historical.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.db.models import Count
from django_scopes import scopes_disabled

from worldclass.certification.models import Certification, Edition, Level
from worldclass.certification.queries import registry_for_year
from worldclass.core.errors import NotFound
from worldclass.registry.models import HistoricalListing


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    level: str  # site | organization | contact_center (a historical name)
    organization: str
    edition: str
    certified_since: str
    valid_through: str
    historical: bool

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RegistryCounts:
    organizations: int = 0
    sites: int = 0
    supervisors: int = 0
    csrs: int = 0
    unlisted_organizations: int = 0
    unlisted_sites: int = 0


@dataclass(frozen=True)
class PublicRegistryYear:
    year: int
    edition: str
    counts: RegistryCounts
    entries: list[RegistryEntry] = field(default_factory=list)
    historical_title: str = ""
    historical_source: str = ""
    historical: list[RegistryEntry] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.entries and not self.historical and self.counts == RegistryCounts()

    def all_entries(self) -> list[RegistryEntry]:
        return [*self.entries, *self.historical]


@dataclass(frozen=True)
class RegistryYearSummary:
    year: int
    edition: str
    has_certifications: bool
    historical_names: int


def registry_years() -> list[RegistryYearSummary]:
    """Years with stored certifications or a historical registry, newest first (cheap: no evaluation)."""
    # The public registry reads every organization's certifications on purpose; it only asks which years have any.
    with scopes_disabled():
        certified_years = set(Certification.objects.values_list("edition__year", flat=True).distinct())
    historical = dict(HistoricalListing.objects.values("year").annotate(names=Count("id")).values_list("year", "names"))
    years = sorted(certified_years | set(historical), reverse=True)
    editions = dict(Edition.objects.filter(year__in=years).values_list("year", "name"))
    return [
        RegistryYearSummary(
            year=year,
            edition=editions.get(year, ""),
            has_certifications=year in certified_years,
            historical_names=historical.get(year, 0),
        )
        for year in years
    ]


def _revoked(year: int) -> dict[str, set]:
    """What revocation takes off the year's registry: site keys (org code, site code), org codes, people ids."""
    # Revocations of every organization apply to the public registry.
    with scopes_disabled():
        rows = Certification.objects.filter(edition__year=year, certificate__revoked_at__isnull=False).values_list(
            "level", "entity_id", "organization__code", "site__code"
        )
        revoked: dict[str, set] = {
            Level.SITE: set(),
            Level.ORGANIZATION: set(),
            Level.CSR: set(),
            Level.SUPERVISOR: set(),
        }
        for level, entity_id, organization_code, site_code in rows:
            if level == Level.SITE:
                revoked[level].add((organization_code, site_code))
            elif level == Level.ORGANIZATION:
                revoked[level].add(organization_code)
            else:
                revoked[level].add(entity_id)
    return revoked


def public_registry_year(*, year: int) -> PublicRegistryYear:
    """The registry of one edition year as the public pages show it."""
    edition = Edition.objects.filter(year=year).values_list("name", flat=True).first() or ""
    entries: list[RegistryEntry] = []
    counts = RegistryCounts()
    try:
        registry = registry_for_year(year=year)
    except NotFound:
        registry = None  # no edition that year: only a historical registry can exist
    if registry is not None:
        revoked = _revoked(year)
        sites = [s for s in registry.sites if (s.organization, s.code) not in revoked[Level.SITE]]
        organizations = [o for o in registry.organizations if o.code not in revoked[Level.ORGANIZATION]]
        named = [(Level.ORGANIZATION, o.name or o.code, o.name or o.code, o) for o in organizations]
        named += [(Level.SITE, s.name or s.code, s.organization_name or s.organization, s) for s in sites]
        entries = [
            RegistryEntry(
                name=name,
                level=level,
                organization=organization_name,
                edition=edition,
                certified_since=item.certified_since,
                valid_through=item.valid_through,
                historical=False,
            )
            for level, name, organization_name, item in named
        ]
        entries.sort(key=lambda e: (e.organization.casefold(), e.level != Level.ORGANIZATION, e.name.casefold()))
        counts = RegistryCounts(
            organizations=len(organizations) + registry.unlisted_organizations_certified,
            sites=len(sites) + registry.unlisted_sites_certified,
            # A revoked person's certification is withdrawn, so they leave the count (never below zero).
            supervisors=max(0, registry.supervisors_certified - len(revoked[Level.SUPERVISOR])),
            csrs=max(0, registry.csrs_certified - len(revoked[Level.CSR])),
            unlisted_organizations=registry.unlisted_organizations_certified,
            unlisted_sites=registry.unlisted_sites_certified,
        )
    listings = list(HistoricalListing.objects.filter(year=year).order_by("position"))
    historical = [
        RegistryEntry(
            name=listing.name,
            # The published list says "certified world class contact centers", some named as whole organizations.
            level="contact_center",
            organization="",
            edition=listing.registry_title,
            certified_since="",
            valid_through="",
            historical=True,
        )
        for listing in listings
    ]
    return PublicRegistryYear(
        year=year,
        edition=edition,
        counts=counts,
        entries=entries,
        historical_title=listings[0].registry_title if listings else "",
        historical_source=listings[0].source if listings else "",
        historical=historical,
    )
