"""What the demo prints after certifying: read from rollups and stored certifications only."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django_scopes import scopes_disabled

from worldclass.certification.domain.rules import wilson_interval
from worldclass.certification.models import Certification, CertificationRun, Edition, Level, MonthlyRollup
from worldclass.directory.models import Organization, Person, Site

EXAMPLES_PER_LEVEL = 3


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
    """Eligible share under the edition's survey window, and who is certified as of the run's month."""
    edition = run.edition
    through = run.through_month
    # The demo summary covers every organization on purpose: it is the certifier's own overview.
    with scopes_disabled():
        totals = MonthlyRollup.objects.filter(
            window=edition.survey_window, level=Level.SITE, month__lte=through
        ).aggregate(eligible=Sum("eligible"), ineligible=Sum("ineligible"))
        eligible = totals["eligible"] or 0
        current = Certification.objects.filter(
            Q(edition=edition) & Q(achieved_month__lte=through) & Q(valid_through_month__gte=through)
        )
        certified = {level: current.filter(level=level).count() for level in Level.values}
        examples = []
        for level in (Level.ORGANIZATION, Level.SITE, Level.SUPERVISOR, Level.CSR):
            rows = list(current.filter(level=level).order_by("-meeting", "entity_id")[:EXAMPLES_PER_LEVEL])
            names = _entity_labels(level=level, ids=[row.entity_id for row in rows])
            for row in rows:
                interval = None
                rate = None
                if row.surveys:
                    rate = row.meeting / row.surveys
                    interval = tuple(wilson_interval(row.meeting, row.surveys))
                examples.append(
                    CertifiedExample(
                        level=level,
                        label=names.get(row.entity_id, str(row.entity_id)),
                        since=f"{row.achieved_month:%Y-%m}",
                        valid_through=f"{row.valid_through_month:%Y-%m}",
                        surveys=row.surveys,
                        meeting=row.meeting,
                        rate=rate,
                        ci95=interval,
                    )
                )
    return EditionSummary(
        year=edition.year,
        name=edition.name,
        through=f"{through:%Y-%m}",
        survey_window=str(edition.survey_window),
        eligible=eligible,
        surveyed=eligible + (totals["ineligible"] or 0),
        organization_rule_applies=edition.organization_rule == Edition.OrganizationRule.ALL_SITES,
        certified=certified,
        examples=examples,
    )


def _entity_labels(*, level: str, ids: list[int]) -> dict[int, str]:
    if level == Level.ORGANIZATION:
        return {o.pk: f"{o.name} ({o.code})" for o in Organization.objects.filter(pk__in=ids)}
    if level == Level.SITE:
        return {
            s.pk: f"{s.name or s.code}, {s.country or '-'} ({s.organization.code})"
            for s in Site.objects.filter(pk__in=ids).select_related("organization")
        }
    return {
        p.pk: f"{p.code} ({p.organization.code}{', ' + p.site.code if p.site else ''})"
        for p in Person.objects.filter(pk__in=ids).select_related("organization", "site")
    }
