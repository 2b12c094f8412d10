"""Reads behind the certifier's run pages: who a run certified, what changed since the run before it, and how far
its certificates are issued."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django_scopes import scopes_disabled

from worldclass.certification.models import Certification, CertificationRun, Level
from worldclass.directory.models import Organization, Person, Site

LEVEL_ORDER = [Level.ORGANIZATION, Level.SITE, Level.SUPERVISOR, Level.CSR]


def runs() -> QuerySet[CertificationRun]:
    """Every stored run, newest first."""
    return CertificationRun.objects.select_related("edition", "user").order_by("-started_at", "-id")


def find_run(*, pk: int) -> CertificationRun | None:
    return CertificationRun.objects.select_related("edition", "user").filter(pk=pk).first()


def certified_at_run(*, run: CertificationRun) -> set[tuple[str, int]]:
    """(level, entity id) of everyone certified as of the run's month under its edition: a certification achieved by
    then and valid through it."""
    # The certifier's pages read every organization's certifications on purpose.
    with scopes_disabled():
        return set(
            Certification.objects.filter(
                edition_id=run.edition_id,
                achieved_month__lte=run.through_month,
                valid_through_month__gte=run.through_month,
            ).values_list("level", "entity_id")
        )


def previous_run(*, run: CertificationRun) -> CertificationRun | None:
    """The run before this one made for the same thing: the same program year when it has one, else the same
    edition (exploratory runs, `certify --edition`)."""
    program_year = run.program_year
    earlier = CertificationRun.objects.select_related("edition").filter(
        Q(started_at__lt=run.started_at) | Q(started_at=run.started_at, id__lt=run.pk)
    )
    if program_year:
        earlier = earlier.filter(program_year=program_year)
    else:
        earlier = earlier.filter(program_year__isnull=True, edition_id=run.edition_id)
    return earlier.order_by("-started_at", "-id").first()


@dataclass(frozen=True)
class ChangedEntity:
    level: str
    entity_id: int
    name: str
    code: str
    organization: str


@dataclass(frozen=True)
class RunChanges:
    previous: CertificationRun | None
    gained: list[ChangedEntity]
    lapsed: list[ChangedEntity]


def _names_in_organizations(rows) -> dict[int, tuple[str, str, str]]:
    """Per pk of sites or people: (name, code, organization), each name falling back to the code as `str()` does."""
    return {
        pk: (name or code, code, organization_name or organization_code or "")
        for pk, name, code, organization_name, organization_code in rows.values_list(
            "pk", "name", "code", "organization__name", "organization__code"
        )
    }


def _describe(keys: set[tuple[str, int]]) -> list[ChangedEntity]:
    """Names for (level, entity id) keys, in level order then by organization and name."""
    ids = {level: [entity_id for key_level, entity_id in keys if key_level == level] for level in LEVEL_ORDER}
    # Values, not model instances: the first run of a program year describes everyone it certifies (55,000 people at
    # 10M surveys: 1.5 s as instances).
    with scopes_disabled():  # staff pages, across organizations
        described_as = {
            Level.ORGANIZATION: {
                pk: (name or code, code, name or code)
                for pk, name, code in Organization.objects.filter(pk__in=ids[Level.ORGANIZATION]).values_list(
                    "pk", "name", "code"
                )
            },
            Level.SITE: _names_in_organizations(Site.objects.filter(pk__in=ids[Level.SITE])),
        }
        described_as[Level.SUPERVISOR] = described_as[Level.CSR] = _names_in_organizations(
            Person.objects.filter(pk__in=ids[Level.SUPERVISOR] + ids[Level.CSR])
        )
    described = []
    for level, entity_id in keys:
        name, code, organization = described_as[level].get(entity_id, (str(entity_id), "", ""))
        described.append(
            ChangedEntity(level=level, entity_id=entity_id, name=name, code=code, organization=organization)
        )
    order = {level: index for index, level in enumerate(LEVEL_ORDER)}
    return sorted(described, key=lambda e: (order[e.level], e.organization.casefold(), e.name.casefold()))


def run_changes(*, run: CertificationRun) -> RunChanges:
    """Who is certified at this run and was not at the previous one (gained), and the reverse (lapsed)."""
    previous = previous_run(run=run)
    now = certified_at_run(run=run)
    before = certified_at_run(run=previous) if previous else set()
    return RunChanges(previous=previous, gained=_describe(now - before), lapsed=_describe(before - now))


@dataclass(frozen=True)
class LevelCounts:
    level: str
    certified: int
    qualifies: int


def level_counts(*, run: CertificationRun) -> list[LevelCounts]:
    """The run's stored counts per level, organizations first."""
    certified, qualifies = run.counts.get("certified", {}), run.counts.get("qualifies", {})
    return [
        LevelCounts(level=level, certified=certified.get(level, 0), qualifies=qualifies.get(level, 0))
        for level in LEVEL_ORDER
        if level in certified or level in qualifies
    ]


@dataclass(frozen=True)
class CertificateProgress:
    certifications: int
    issued: int

    @property
    def pending(self) -> int:
        return self.certifications - self.issued


def certificate_progress(*, run: CertificationRun) -> CertificateProgress:
    """How many of the certifications this run first found have their certificate (`issue_certificates(run=…)`)."""
    with scopes_disabled():  # staff pages, across organizations
        found = Certification.objects.filter(first_run=run)
        return CertificateProgress(certifications=found.count(), issued=found.filter(certificate__isnull=False).count())
