"""Reads of the awards: what each role may see, judges' progress, rankings and the public winners.

Judges and staff work across organizations, so reads of applications for them open `scopes_disabled()`; what a
judge may see (panel assignment, conflicts of interest, the cycle's phase) is the rule of `awards.rules`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment
from worldclass.accounts.rules import is_certifier_staff
from worldclass.awards.models import (
    PHASE_ORDER,
    Application,
    Category,
    ConflictDeclaration,
    Criterion,
    Cycle,
    PanelMember,
    Phase,
    Scorecard,
    WinnerDecision,
)
from worldclass.awards.rules import (
    NO_SUCH_APPLICATION,
    administers_application,
    applications_for_judge,
    is_judge,
    judge_can_view,
    stage_for_phase,
)
from worldclass.core.errors import NotFound
from worldclass.directory.models import Organization


def current_cycle() -> Cycle | None:
    """The latest cycle that is not closed, else the latest cycle."""
    return Cycle.objects.exclude(phase=Phase.CLOSED).order_by("-year").first() or Cycle.objects.first()


def identities_revealed(cycle: Cycle) -> bool:
    """Blind review: judges see organization names only from the cycle's revealing phase on."""
    return PHASE_ORDER.index(cycle.phase) >= PHASE_ORDER.index(cycle.reveal_identities_from)


def flagged_organization_ids(*, judge) -> set[int]:
    """Organizations the system flags for a judge because the judge belongs to them."""
    ids = set(
        RoleAssignment.objects.filter(user=judge, organization__isnull=False).values_list("organization_id", flat=True)
    )
    if judge.person_id:
        with scopes_disabled():
            ids.add(judge.person.organization_id)
    return ids


def applications_for_user(*, user) -> QuerySet[Application]:
    """The applications a user may see: all for staff, their organizations' for applicants, visible for judges."""
    if is_certifier_staff(user):
        # Staff run the awards across every applicant organization.
        with scopes_disabled():
            return Application.objects.select_related("cycle", "category", "organization").all()
    if is_judge(user):
        return applications_for_judge(judge=user)
    org_ids = RoleAssignment.objects.filter(user=user, role=Role.ORG_ADMIN).values_list("organization_id", flat=True)
    # Applicants see their own organizations' applications (the scope would allow no more either).
    with scopes_disabled():
        return Application.objects.filter(organization_id__in=list(org_ids)).select_related(
            "cycle", "category", "organization"
        )


def visible_scorecards(*, viewer, application: Application, stage: str) -> list[Scorecard]:
    """Staff see every scorecard; a judge sees the others' only after submitting their own."""
    cards = list(
        Scorecard.objects.filter(application=application, stage=stage)
        .select_related("judge")
        .prefetch_related("scores__criterion")
    )
    if is_certifier_staff(viewer):
        return cards
    own = [c for c in cards if c.judge_id == viewer.pk]
    return cards if own else []


def weighted_total(card: Scorecard) -> float | None:
    """The weighted mean of a scorecard's scores; abstained criteria leave the weights of the others."""
    pairs = [(s.value, s.criterion.weight) for s in card.scores.all() if s.value is not None]
    weight = sum(w for _, w in pairs)
    if not weight:
        return None
    return sum(v * w for v, w in pairs) / weight


@dataclass
class RankingRow:
    application: Application
    judges: int
    weighted_mean: float | None
    normalized_mean: float | None
    spread: float | None
    stdev: float | None
    totals: dict[str, float] = field(default_factory=dict)


def category_ranking(*, category: Category, stage: str) -> list[RankingRow]:
    """Per application: the mean of judges' weighted totals, the mean of per-judge z-scores, and their spread.

    Each judge's totals are standardized over all of that judge's scorecards in the cycle and stage, which corrects
    for harsh and lenient judges. A judge with fewer than two scorecards or no variation contributes z = 0.
    """
    cards = list(
        Scorecard.objects.filter(application__cycle_id=category.cycle_id, stage=stage)
        .select_related("judge")
        .prefetch_related("scores__criterion")
    )
    totals_by_judge: dict[int, list[float]] = {}
    card_totals: dict[int, float] = {}
    for card in cards:
        total = weighted_total(card)
        if total is None:
            continue
        card_totals[card.pk] = total
        totals_by_judge.setdefault(card.judge_id, []).append(total)
    judge_stats = {}
    for judge_id, values in totals_by_judge.items():
        mean = statistics.fmean(values)
        sd = statistics.pstdev(values) if len(values) > 1 else 0.0
        judge_stats[judge_id] = (mean, sd)
    with scopes_disabled():  # staff read rankings across organizations
        applications = list(
            Application.objects.filter(category=category)
            .exclude(status=Application.Status.DRAFT)
            .select_related("organization")
        )
    rows = []
    for application in applications:
        mine = [c for c in cards if c.application_id == application.pk and c.pk in card_totals]
        totals = [card_totals[c.pk] for c in mine]
        zs = []
        for c in mine:
            mean, sd = judge_stats[c.judge_id]
            zs.append((card_totals[c.pk] - mean) / sd if sd > 0 else 0.0)
        rows.append(
            RankingRow(
                application=application,
                judges=len(totals),
                weighted_mean=statistics.fmean(totals) if totals else None,
                normalized_mean=statistics.fmean(zs) if zs else None,
                spread=(max(totals) - min(totals)) if totals else None,
                stdev=statistics.pstdev(totals) if len(totals) > 1 else (0.0 if totals else None),
                totals={c.judge.username: round(card_totals[c.pk], 2) for c in mine},
            )
        )
    rows.sort(key=lambda r: (r.weighted_mean is None, -(r.weighted_mean or 0), r.application.pk))
    return rows


@dataclass
class JudgeProgress:
    visible: int
    scored: int
    stage: str | None

    @property
    def remaining(self) -> int:
        return self.visible - self.scored


def judge_progress(*, judge, cycle: Cycle) -> JudgeProgress:
    stage = stage_for_phase(cycle.phase)
    visible = applications_for_judge(judge=judge, cycle=cycle)
    scored = (
        Scorecard.objects.filter(judge=judge, stage=stage, application_id__in=visible.values("pk")).count()
        if stage
        else 0
    )
    return JudgeProgress(visible=visible.count(), scored=scored, stage=stage)


def criteria_for(cycle: Cycle) -> list[Criterion]:
    return list(cycle.criteria.all())


def published_winners(*, cycle: Cycle) -> list[WinnerDecision]:
    # The winners page is public: it shows only published decisions, across organizations.
    with scopes_disabled():
        return list(
            WinnerDecision.objects.filter(cycle=cycle, published_at__isnull=False)
            .select_related("category", "application__organization")
            .order_by("category__position", "category__name")
        )


def applicant_organizations(*, user):
    ids = RoleAssignment.objects.filter(user=user, role=Role.ORG_ADMIN).values_list("organization_id", flat=True)
    return Organization.objects.filter(pk__in=list(ids))


def organizations_in_cycle(*, cycle: Cycle):
    """Applicant organizations of a cycle (for judges' conflict declarations; names only, no applications)."""
    with scopes_disabled():
        ids = Application.objects.filter(cycle=cycle).exclude(status="draft").values_list("organization_id", flat=True)
        return Organization.objects.filter(pk__in=list(ids)).order_by("name")


def open_categories(*, cycle: Cycle) -> QuerySet[Category]:
    return cycle.categories.filter(retired_at__isnull=True)


def conflicts_for_review(*, cycle: Cycle | None = None) -> QuerySet[ConflictDeclaration]:
    return ConflictDeclaration.objects.select_related("judge", "organization", "reviewed_by").filter(
        Q(judge_id__in=PanelMember.objects.filter(cycle=cycle).values("judge_id")) if cycle else Q()
    )


def application_for(*, user, pk: int | str) -> Application:
    """The application if the user may see it; otherwise the same 404 whether it does not exist, belongs to another
    organization, or is hidden from a judge by a conflict or an assignment (blind review: no answer tells a judge
    which organization an application belongs to)."""
    if not str(pk).isascii() or not str(pk).isdigit():
        raise NotFound(NO_SUCH_APPLICATION)
    # Look the row up across organizations, then decide below whether this user may see it.
    with scopes_disabled():
        application = Application.objects.select_related("cycle", "category", "organization").filter(pk=pk).first()
    if application is None:
        raise NotFound(NO_SUCH_APPLICATION)
    if is_certifier_staff(user) or administers_application(user, application):
        return application
    if is_judge(user) and judge_can_view(judge=user, application=application):
        return application
    raise NotFound(NO_SUCH_APPLICATION)
