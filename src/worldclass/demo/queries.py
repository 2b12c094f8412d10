"""What the demo prints after certifying: read from rollups and stored certifications only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django_scopes import scopes_disabled

from worldclass.certification.queries import Level, OrganizationRule, site_rollup_totals
from worldclass.demo.synthetic import ORGANIZATION_NAMES
from worldclass.directory.models import Organization, Person, Site

if TYPE_CHECKING:
    from worldclass.certification.models import CertificationRun

EXAMPLES_PER_LEVEL = 3


def demo_organization_name(*, code: str) -> str:
    """The display name the synthetic survey file gives an organization, for other apps' demo hooks to reuse."""
    return ORGANIZATION_NAMES[code]


@dataclass(frozen=True)
class CertifiedExample:
    level: str
    label: str
    since: str
    valid_through: str
    surveys: int | None
    meeting: int | None
    rate: float | None
    ci95: tuple[float, float] | None


@dataclass
class EditionSummary:
    year: int
    name: str
    through: str
    survey_window: str
    eligible: int
    surveyed: int
    organization_rule_applies: bool
    certified: dict[str, int] = field(default_factory=dict)
    examples: list[CertifiedExample] = field(default_factory=list)

    @property
    def eligible_share(self) -> float:
        return self.eligible / self.surveyed if self.surveyed else 0.0


def summarize_run(*, run: CertificationRun) -> EditionSummary:
    """Eligible share under the edition's survey window, and who is certified as of the run's month.

    Takes a run just returned by `run_certification`, which carries its evaluation.
    """
    edition = run.edition
    evaluation = run.evaluation
    certified_entities = [entity for entity in evaluation.entities if entity.certified]
    # The demo summary covers every organization on purpose: it is the certifier's own overview.
    with scopes_disabled():
        totals = site_rollup_totals(window=edition.survey_window, through=run.through_month)
        examples = []
        for level in (Level.ORGANIZATION, Level.SITE, Level.SUPERVISOR, Level.CSR):
            best = sorted(
                (entity for entity in certified_entities if entity.level == level),
                key=lambda entity: (-(entity.rate or 0.0), entity.org, entity.id),
            )[:EXAMPLES_PER_LEVEL]
            names = _entity_labels(level=level, ids=[entity.entity_pk for entity in best])
            examples.extend(
                CertifiedExample(
                    level=level,
                    label=names.get(entity.entity_pk, f"{entity.id} ({entity.org})"),
                    since=entity.certified_since or "",
                    valid_through=entity.valid_through or "",
                    surveys=entity.surveys,
                    meeting=entity.meeting,
                    rate=entity.rate,
                    ci95=entity.ci95,
                )
                for entity in best
            )
    eligible = totals["eligible"] or 0
    return EditionSummary(
        year=edition.year,
        name=edition.name,
        through=str(evaluation.through),
        survey_window=str(edition.survey_window),
        eligible=eligible,
        surveyed=eligible + (totals["ineligible"] or 0),
        organization_rule_applies=edition.organization_rule == OrganizationRule.ALL_SITES,
        certified={level: sum(1 for e in certified_entities if e.level == level) for level in Level.values},
        examples=examples,
    )


def _entity_labels(*, level: str, ids: list[int]) -> dict[int, str]:
    if level == Level.ORGANIZATION:
        return {o.pk: str(o) for o in Organization.objects.filter(pk__in=ids)}
    if level == Level.SITE:
        return {
            s.pk: f"{s}, {s.organization} ({s.country or '-'})"
            for s in Site.objects.filter(pk__in=ids).select_related("organization")
        }
    return {
        p.pk: f"{p}, {p.organization}{', ' + str(p.site) if p.site else ''}"
        for p in Person.objects.filter(pk__in=ids).select_related("organization", "site")
    }
