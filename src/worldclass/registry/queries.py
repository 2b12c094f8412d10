"""The public registry of a year: the ONE query behind its page, `.json`, `.csv`, the API and `worldclass registry`.

A registry year lists what a stored run of that program year certified (docs/certificates.md, "Which certifications
a registry year lists"): the published run publicly, the latest run in a staff preview. Sites and organizations are
named only with their organization's consent; everyone certified is counted; a revoked certificate takes its entity
off the registry and out of the counts. What the certifier published before the platform (names, or counts such as
2008's) is shown beside, marked historical.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

from django.db.models import Count
from django_scopes import scopes_disabled

from worldclass.certification.queries import (
    Level,
    certifications_valid_at_run,
    is_published_run,
    latest_program_run,
    published_run,
    published_years,
)
from worldclass.core.exports import Table
from worldclass.directory.models import Organization, Site
from worldclass.registry.models import HistoricalListing, HistoricalStatement

if TYPE_CHECKING:
    from worldclass.certification.models import CertificationRun

CSV_COLUMNS = [
    "year",
    "name",
    "code",
    "level",
    "organization",
    "organization_code",
    "country",
    "edition",
    "certified_since",
    "valid_through",
    "historical",
]


@dataclass(frozen=True)
class RegistryEntry:
    """One named line of a registry year: a certified site or organization, or a historical name or statement."""

    name: str
    level: str  # site | organization | contact_center (a historical name) | statement (a historical fact)
    organization: str
    edition: str
    certified_since: str
    valid_through: str
    historical: bool
    code: str = ""
    organization_code: str = ""
    country: str = ""
    # The name as shown: with the code when another entry of the same level has the same name.
    label: str = ""

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key != "label"}


@dataclass(frozen=True)
class RegistryCounts:
    organizations: int = 0
    sites: int = 0
    supervisors: int = 0
    csrs: int = 0
    unlisted_organizations: int = 0
    unlisted_sites: int = 0


@dataclass(frozen=True)
class HistoricalRegistry:
    title: str = ""
    source: str = ""
    entries: list[RegistryEntry] = field(default_factory=list)
    statements: list[RegistryEntry] = field(default_factory=list)


@dataclass(frozen=True)
class RegistryYear:
    year: int
    edition: str = ""
    # For pages only (`|localized:"edition"`); the downloads, the API and the command line name the edition in English.
    edition_fr: str = ""
    through: str = ""
    published: bool = False
    run_id: int | None = None
    counts: RegistryCounts = field(default_factory=RegistryCounts)
    entries: list[RegistryEntry] = field(default_factory=list)
    historical: HistoricalRegistry = field(default_factory=HistoricalRegistry)

    @property
    def has_platform_content(self) -> bool:
        return bool(self.entries) or self.counts != RegistryCounts()

    @property
    def has_content(self) -> bool:
        return self.has_platform_content or bool(self.historical.entries or self.historical.statements)

    def all_entries(self) -> list[RegistryEntry]:
        return [*self.entries, *self.historical.entries, *self.historical.statements]

    def as_dict(self) -> dict:
        """The `.json` download and `worldclass registry --json`."""
        return {
            "year": self.year,
            "edition": self.edition,
            "through": self.through,
            "counts": asdict(self.counts),
            "entries": [entry.as_dict() for entry in self.entries],
            "historical": {
                "title": self.historical.title,
                "source": self.historical.source,
                "entries": [entry.as_dict() for entry in self.historical.entries],
                "statements": [entry.as_dict() for entry in self.historical.statements],
            },
        }

    def csv_rows(self) -> list[dict]:
        """The `.csv` download and `worldclass registry --csv`: one row per entry, in CSV_COLUMNS."""
        return [{"year": self.year, **entry.as_dict()} for entry in self.all_entries()]

    def csv_table(self) -> Table:
        """The rows above as the export module's table (formula-safe CSV)."""
        return Table(
            title=f"World Class registry {self.year}",
            columns=CSV_COLUMNS,
            rows=[[row[column] for column in CSV_COLUMNS] for row in self.csv_rows()],
        )


@dataclass(frozen=True)
class RegistryYearSummary:
    year: int
    edition: str
    edition_fr: str
    has_certifications: bool
    historical_names: int
    historical_statements: int


def _run_for(year: int, *, preview: bool) -> CertificationRun | None:
    if preview:
        return latest_program_run(year=year)
    return published_run(year=year)


def _certified_at_run(run: CertificationRun) -> list[dict]:
    """Per entity, its latest certification under the run's edition achieved by the run's month and still valid
    then; an entity any of whose such certifications has a revoked certificate is left out."""
    # The public registry reads every organization's certifications on purpose; consent decides who is named.
    with scopes_disabled():
        certifications = certifications_valid_at_run(run=run)
        # A revoked certificate withdraws its certification (certificates.models.Certificate.revoked_at).
        revoked = set(certifications.filter(certificate__revoked_at__isnull=False).values_list("level", "entity_id"))
        latest: dict[tuple[str, int], dict] = {}
        for row in certifications.order_by("achieved_month").values(
            "level", "entity_id", "organization_id", "site_id", "achieved_month", "valid_through_month"
        ):
            key = (row["level"], row["entity_id"])
            if key not in revoked:
                latest[key] = row
    return list(latest.values())


def _label_duplicates(entries: list[RegistryEntry]) -> list[RegistryEntry]:
    seen = Counter((entry.level, entry.name.casefold()) for entry in entries)
    return [
        replace(
            entry,
            label=f"{entry.name} ({entry.code})" if seen[(entry.level, entry.name.casefold())] > 1 else entry.name,
        )
        for entry in entries
    ]


def _platform_registry(run: CertificationRun) -> tuple[list[RegistryEntry], RegistryCounts]:
    certified = _certified_at_run(run)
    with scopes_disabled():
        organizations = Organization.objects.in_bulk({row["organization_id"] for row in certified})
        sites = Site.objects.in_bulk({row["site_id"] for row in certified if row["site_id"]})
    per_level = Counter(row["level"] for row in certified)
    unlisted = Counter()
    entries = []
    for row in certified:
        if row["level"] not in (Level.SITE, Level.ORGANIZATION):
            continue
        organization = organizations[row["organization_id"]]
        if not organization.listed_in_registry:
            unlisted[row["level"]] += 1
            continue
        site = sites.get(row["site_id"])
        entity_name, code = (site.name or site.code, site.code) if site else (str(organization), organization.code)
        entries.append(
            RegistryEntry(
                name=entity_name,
                code=code,
                level=row["level"],
                organization=str(organization),
                organization_code=organization.code,
                country=site.country if site else "",
                edition=run.edition.name,
                certified_since=f"{row['achieved_month']:%Y-%m}",
                valid_through=f"{row['valid_through_month']:%Y-%m}",
                historical=False,
            )
        )
    entries.sort(key=lambda e: (e.organization.casefold(), e.level != Level.ORGANIZATION, e.name.casefold(), e.code))
    counts = RegistryCounts(
        organizations=per_level[Level.ORGANIZATION],
        sites=per_level[Level.SITE],
        supervisors=per_level[Level.SUPERVISOR],
        csrs=per_level[Level.CSR],
        unlisted_organizations=unlisted[Level.ORGANIZATION],
        unlisted_sites=unlisted[Level.SITE],
    )
    return _label_duplicates(entries), counts


def _historical_registry(year: int) -> HistoricalRegistry:
    listings = list(HistoricalListing.objects.filter(year=year).order_by("position"))
    statements = list(HistoricalStatement.objects.filter(year=year).order_by("id"))
    return HistoricalRegistry(
        title=listings[0].registry_title if listings else "",
        source=listings[0].source if listings else (statements[0].source if statements else ""),
        entries=[
            RegistryEntry(
                name=listing.name,
                label=listing.name,
                # The published list says "certified world class contact centers", some named as whole organizations.
                level="contact_center",
                organization="",
                edition=listing.registry_title,
                certified_since="",
                valid_through="",
                historical=True,
            )
            for listing in listings
        ],
        statements=[
            RegistryEntry(
                name=statement.statement,
                label=statement.statement,
                level="statement",
                organization="",
                edition="",
                certified_since="",
                valid_through="",
                historical=True,
            )
            for statement in statements
        ],
    )


def registry_year(*, year: int, preview: bool = False) -> RegistryYear:
    """The registry of a year: the certifications of its published run (`preview`: of its latest run, for staff)
    and what was published about that year before the platform."""
    run = _run_for(year, preview=preview)
    historical = _historical_registry(year)
    if run is None:
        return RegistryYear(year=year, historical=historical)
    entries, counts = _platform_registry(run)
    return RegistryYear(
        year=year,
        edition=run.edition.name,
        edition_fr=run.edition.name_fr,
        through=f"{run.through_month:%Y-%m}",
        published=not preview or is_published_run(year=year, run=run),
        run_id=run.pk,
        counts=counts,
        entries=entries,
        historical=historical,
    )


def registry_years() -> list[RegistryYearSummary]:
    """Years the public registry has content for (published platform certifications, or history), newest first."""
    published = published_years()
    names = dict(HistoricalListing.objects.values("year").annotate(n=Count("id")).values_list("year", "n"))
    statements = dict(HistoricalStatement.objects.values("year").annotate(n=Count("id")).values_list("year", "n"))
    summaries = []
    for year in sorted(set(published) | set(names) | set(statements), reverse=True):
        registry = registry_year(year=year)
        if registry.has_content:
            summaries.append(
                RegistryYearSummary(
                    year=year,
                    edition=registry.edition,
                    edition_fr=registry.edition_fr,
                    has_certifications=registry.has_platform_content,
                    historical_names=names.get(year, 0),
                    historical_statements=statements.get(year, 0),
                )
            )
    return summaries
