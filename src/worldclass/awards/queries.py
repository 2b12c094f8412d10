"""Reads of the awards: what each role may see, judges' progress, rankings and the public winners; what each page
shows (`application_page`, `judging_dashboard`), read in as many queries however many rows; rows by id (`get_*`,
raising `NotFound`). The pages and the API read through these functions.

Judges and staff work across organizations, so reads of applications for them open `scopes_disabled()`; what a
judge may see (panel assignment, conflicts of interest, the cycle's phase) is the rule of `awards.rules`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Q, QuerySet
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.accounts.rules import is_certifier_staff
from worldclass.awards.models import (
    PHASE_ORDER,
    Application,
    Category,
    CategoryMove,
    ChecklistAnswer,
    ChecklistItem,
    ConflictDeclaration,
    Criterion,
    Cycle,
    DeadlineExtension,
    EvidenceComparison,
    GalaAttendee,
    Interview,
    NominationStory,
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
    scorecards_a_judge_may_see,
    stage_for_phase,
)
from worldclass.core.errors import NotFound
from worldclass.directory.models import Organization

Row = TypeVar("Row")


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


def _scorecards_with_scores() -> QuerySet[Scorecard]:
    return Scorecard.objects.select_related("judge").prefetch_related("scores__criterion")


def visible_scorecards(*, viewer, application: Application, stage: str) -> list[Scorecard]:
    """Staff see every scorecard; a judge sees the others' only after submitting their own (for an application the
    viewer may see: `application_for`)."""
    cards = _scorecards_with_scores().filter(application=application, stage=stage)
    if not is_certifier_staff(viewer):
        cards = scorecards_a_judge_may_see(cards, judge=viewer)
    return list(cards)


def scorecards_visible_to(*, user) -> QuerySet[Scorecard]:
    """Every scorecard a user may see: staff all; a judge, on the applications they may see, their own and the
    others' of an application and stage they have scored; anyone else none."""
    cards = Scorecard.objects.select_related("judge")
    if is_certifier_staff(user):
        return cards
    if not is_judge(user):
        return cards.none()
    visible = applications_for_judge(judge=user).values("pk")
    return scorecards_a_judge_may_see(cards.filter(application_id__in=visible), judge=user)


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
        application = (
            Application.objects.select_related(
                "cycle", "category", "organization", "original_category", "previous_application__cycle"
            )
            .filter(pk=pk)
            .first()
        )
    if application is None:
        raise NotFound(NO_SUCH_APPLICATION)
    if is_certifier_staff(user) or administers_application(user, application):
        return application
    if is_judge(user) and judge_can_view(judge=user, application=application):
        return application
    raise NotFound(NO_SUCH_APPLICATION)


# --- one application's page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgeSection:
    """A judge's part of an application's page: the stage scored now, its criteria, and the scorecards shown."""

    stage: str | None
    criteria: list[Criterion]
    own_scorecard: Scorecard | None
    scorecards: list[Scorecard]


@dataclass(frozen=True)
class StaffSection:
    """Staff's part of an application's page: where it may move, its history, every scorecard and the decision."""

    other_open_categories: list[Category]
    moves: list[CategoryMove]
    extensions: list[DeadlineExtension]
    interviews: list[Interview]
    scorecards: list[Scorecard]
    decision: WinnerDecision | None


@dataclass(frozen=True)
class ApplicationPage:
    """Everything one application's page shows its viewer, as the viewer may see it."""

    application: Application
    applicant: bool
    blind: bool
    checklist: list[tuple[ChecklistItem, ChecklistAnswer | None]]
    story: NominationStory | None
    evidence: list[EvidenceComparison]
    gala_attendees: list[GalaAttendee]
    judge_section: JudgeSection | None
    staff_section: StaffSection | None

    @property
    def staff(self) -> bool:
        return self.staff_section is not None

    @property
    def judging(self) -> bool:
        return self.judge_section is not None


def application_page(*, user, pk: int | str) -> ApplicationPage:
    """One application as its applicant, a judge or staff see it, in as many queries however many checklist items,
    scorecards and scores it has. `NotFound` (the same for every reason) when the user may not see it.

    A judge (who is neither staff nor the applicant) sees it blinded until the cycle reveals identities, no checklist
    while applications are open, and the panel's scorecards only after scoring (`awards.rules`)."""
    application = application_for(user=user, pk=pk)
    cycle = application.cycle
    staff = is_certifier_staff(user)
    applicant = administers_application(user, application)
    judging = is_judge(user) and not staff and not applicant
    items = checklist_items(category=application.category) if not judging or cycle.phase != Phase.APPLICATIONS else []
    answers = {answer.item_id: answer for answer in application.checklist_answers.all()} if items else {}
    return ApplicationPage(
        application=application,
        applicant=applicant,
        blind=judging and not identities_revealed(cycle),
        checklist=[(item, answers.get(item.pk)) for item in items],
        story=NominationStory.objects.filter(application=application).prefetch_related("attachments").first(),
        evidence=list(application.evidence.all()),
        gala_attendees=list(application.gala_attendees.all()) if applicant or staff else [],
        judge_section=_judge_section(judge=user, application=application) if judging else None,
        staff_section=_staff_section(application=application) if staff else None,
    )


def _judge_section(*, judge, application: Application) -> JudgeSection:
    stage = stage_for_phase(application.cycle.phase)
    cards = visible_scorecards(viewer=judge, application=application, stage=stage) if stage else []
    return JudgeSection(
        stage=stage,
        criteria=criteria_for(application.cycle),
        own_scorecard=next((card for card in cards if card.judge_id == judge.pk), None),
        scorecards=cards,
    )


def _staff_section(*, application: Application) -> StaffSection:
    return StaffSection(
        other_open_categories=list(open_categories(cycle=application.cycle).exclude(pk=application.category_id)),
        moves=list(application.moves.select_related("from_category", "to_category", "moved_by")),
        extensions=list(application.extensions.select_related("granted_by")),
        interviews=list(application.interviews.select_related("interviewer")),
        scorecards=list(_scorecards_with_scores().filter(application=application)),
        decision=WinnerDecision.objects.filter(application=application).select_related("decided_by").first(),
    )


def checklist_items(*, category: Category) -> list[ChecklistItem]:
    return list(category.checklist_items.all())


# --- the judge's dashboard ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgingDashboard:
    """A judge's dashboard in a cycle: what to score now and whether it is scored, and their conflicts."""

    stage: str | None
    progress: JudgeProgress
    applications: list[tuple[Application, bool]]
    blind: bool
    organizations_in_cycle: list[Organization]
    declarations: list[ConflictDeclaration]
    flagged: list[Organization]


def judging_dashboard(*, judge, cycle: Cycle) -> JudgingDashboard:
    stage = stage_for_phase(cycle.phase)
    visible = applications_for_judge(judge=judge, cycle=cycle).order_by("category__position", "pk")
    scored = (
        set(Scorecard.objects.filter(judge=judge, stage=stage).values_list("application_id", flat=True))
        if stage
        else set()
    )
    return JudgingDashboard(
        stage=stage,
        progress=judge_progress(judge=judge, cycle=cycle),
        applications=[(application, application.pk in scored) for application in visible],
        blind=not identities_revealed(cycle),
        organizations_in_cycle=list(organizations_in_cycle(cycle=cycle)),
        declarations=list(ConflictDeclaration.objects.filter(judge=judge).select_related("organization")),
        flagged=list(Organization.objects.filter(pk__in=flagged_organization_ids(judge=judge))),
    )


# --- lookups by id, and lists for the pages -----------------------------------------------------------------------


def _one(rows: QuerySet[Row], message: str, **lookup) -> Row:
    row = rows.filter(**lookup).first()
    if row is None:
        raise NotFound(message)
    return row


def get_cycle(*, pk: int) -> Cycle:
    return _one(Cycle.objects.all(), "No such cycle.", pk=pk)


def cycle_of_year(*, year: int) -> Cycle:
    return _one(Cycle.objects.all(), "No such cycle.", year=year)


def get_category(*, pk: int | str, cycle: Cycle | None = None) -> Category:
    rows = Category.objects.select_related("cycle")
    return _one(rows.filter(cycle=cycle) if cycle else rows, "No such category.", pk=pk)


def get_conflict_declaration(*, pk: int) -> ConflictDeclaration:
    return _one(ConflictDeclaration.objects.all(), "No such declaration.", pk=pk)


def get_winner_decision(*, pk: int) -> WinnerDecision:
    return _one(WinnerDecision.objects.all(), "No such decision.", pk=pk)


def get_interview(*, pk: int) -> Interview:
    return _one(Interview.objects.all(), "No such interview.", pk=pk)


def get_organization(*, pk: int | str) -> Organization:
    """Any organization (a judge names any as a conflict; organizations are not tenant rows)."""
    return _one(Organization.objects.all(), "No such organization.", pk=pk)


def get_user(*, pk: int | str) -> User:
    return _one(User.objects.all(), "No such user.", pk=pk)


def all_cycles() -> QuerySet[Cycle]:
    return Cycle.objects.all()


def cycles_with_published_winners() -> QuerySet[Cycle]:
    return Cycle.objects.filter(winner_decisions__published_at__isnull=False).distinct()


def applicant_applications(*, user) -> list[Application]:
    """The applications on an applicant's page, newest cycle first."""
    return list(applications_for_user(user=user).order_by("-cycle__year", "category__position"))


def cycle_applications(*, cycle: Cycle) -> QuerySet[Application]:
    """Every application of a cycle, for staff, in category order."""
    # Staff see every applicant organization's applications.
    with scopes_disabled():
        return (
            Application.objects.filter(cycle=cycle)
            .select_related("organization", "category", "original_category")
            .order_by("category__position", "pk")
        )


def categories_with_judges(*, cycle: Cycle) -> list[Category]:
    return list(cycle.categories.prefetch_related("judge_assignments__judge"))


def panel_of(*, cycle: Cycle) -> list[PanelMember]:
    return list(PanelMember.objects.filter(cycle=cycle).select_related("judge"))


def judges() -> QuerySet[User]:
    """Every user with the judge role, whom staff may seat on a panel."""
    return User.objects.filter(role_assignments__role=Role.JUDGE).order_by("username")


def decisions_by_category(*, cycle: Cycle) -> dict[int, WinnerDecision]:
    """Each category's winner decision, with the application it names."""
    decisions = WinnerDecision.objects.filter(cycle=cycle).select_related("application")
    return {decision.category_id: decision for decision in decisions}


def category_decision(*, category: Category) -> WinnerDecision | None:
    return WinnerDecision.objects.filter(category=category).select_related("decided_by", "application").first()


def story_of(*, application: Application) -> NominationStory | None:
    return NominationStory.objects.filter(application=application).first()


def ranking_stage(*, cycle: Cycle, requested: str | None) -> str:
    """The stage a ranking shows: the one asked for, else the final stage once winners are being chosen."""
    if requested in Scorecard.Stage.values:
        return requested
    if cycle.phase in (Phase.WINNER_SELECTION, Phase.CLOSED):
        return Scorecard.Stage.FINAL
    return Scorecard.Stage.SCREENING
