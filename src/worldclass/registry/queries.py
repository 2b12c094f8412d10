"""The public registry: who was certified in a year, by consent, and how many people.

A year is an edition year: the certifications made under that year's published rules. Sites and organizations are
named only when their organization consents (`Organization.listed_in_registry`); the year's counts include every
certification, named or not, because a count identifies no one and the year's totals must match the runs.
CSRs and supervisors are never named, only counted. A revoked certificate takes its certification off the registry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q
from django_scopes import scopes_disabled

from worldclass.certification.models import Certification, Edition, Level
from worldclass.registry.models import HistoricalListing

COUNTED_LEVELS = [Level.ORGANIZATION, Level.SITE, Level.SUPERVISOR, Level.CSR]


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    level: str
    organization: str
    edition: str
    certified_since: str
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


def _standing_certifications():
    """Certifications on the registry: all except those whose certificate was revoked."""
    return Certification.objects.filter(Q(certificate__isnull=True) | Q(certificate__revoked_at__isnull=True))


def _counts_by_year(years: list[int] | None = None) -> dict[int, RegistryCounts]:
    rows = _standing_certifications()
    if years is not None:
        rows = rows.filter(edition__year__in=years)
    rows = rows.values("edition__year", "level", "organization__listed_in_registry").annotate(
        entities=Count("entity_id", distinct=True)
    )
    raw: dict[int, dict[str, int]] = {}
    for row in rows:
        bucket = raw.setdefault(row["edition__year"], {})
        level = row["level"]
        key = {"organization": "organizations", "site": "sites", "supervisor": "supervisors", "csr": "csrs"}[level]
        bucket[key] = bucket.get(key, 0) + row["entities"]
        if not row["organization__listed_in_registry"] and level in (Level.ORGANIZATION, Level.SITE):
            bucket[f"unlisted_{key}"] = bucket.get(f"unlisted_{key}", 0) + row["entities"]
    return {year: RegistryCounts(**values) for year, values in raw.items()}


@dataclass(frozen=True)
class RegistryYearSummary:
    year: int
    edition: str
    counts: RegistryCounts
    historical_names: int


def registry_years() -> list[RegistryYearSummary]:
    """Every year with certifications or a historical registry, newest first, with its counts."""
    # The public registry reads every organization's certifications on purpose; consent is applied per name.
    with scopes_disabled():
        counts = _counts_by_year()
    historical = dict(
        HistoricalListing.objects.values_list("year").annotate(names=Count("id")).values_list("year", "names")
    )
    years = sorted(set(counts) | set(historical), reverse=True)
    editions = dict(Edition.objects.filter(year__in=years).values_list("year", "name"))
    return [
        RegistryYearSummary(
            year=year,
            edition=editions.get(year, ""),
            counts=counts.get(year, RegistryCounts()),
            historical_names=historical.get(year, 0),
        )
        for year in years
    ]


def public_registry_year(*, year: int) -> PublicRegistryYear:
    """The registry of one edition year: consenting sites and organizations by name, everyone in the counts."""
    # The public registry reads every organization's certifications on purpose; consent is applied per name.
    with scopes_disabled():
        counts = _counts_by_year([year]).get(year, RegistryCounts())
        named = (
            _standing_certifications()
            .filter(
                edition__year=year,
                level__in=[Level.SITE, Level.ORGANIZATION],
                organization__listed_in_registry=True,
            )
            .select_related("edition", "organization", "site")
            .order_by("organization__name", "level", "site__name", "achieved_month")
        )
        entries: list[RegistryEntry] = []
        seen: set[tuple[str, int]] = set()
        for certification in named:
            if (certification.level, certification.entity_id) in seen:
                continue  # certified again later in the same edition: listed once, from the first achievement
            seen.add((certification.level, certification.entity_id))
            organization = certification.organization.name or certification.organization.code
            name = organization
            if certification.level == Level.SITE:
                name = certification.site.name or certification.site.code
            entries.append(
                RegistryEntry(
                    name=name,
                    level=certification.level,
                    organization=organization,
                    edition=certification.edition.name,
                    certified_since=f"{certification.achieved_month:%Y-%m}",
                    historical=False,
                )
            )
    edition = Edition.objects.filter(year=year).values_list("name", flat=True).first() or ""
    listings = list(HistoricalListing.objects.filter(year=year).order_by("position"))
    historical = [
        RegistryEntry(
            name=listing.name,
            # The published list says "certified world class contact centers", some named as whole organizations.
            level="contact_center",
            organization="",
            edition=listing.registry_title,
            certified_since="",
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
