"""Who may do what in the awards (django-rules predicates), and which applications a judge may see.

Domain functions enforce them, queries filter by them, views ask them; they read models only. Certifier staff run
the awards (`accounts.rules.is_certifier_staff`, the one authority check).
"""

from __future__ import annotations

import rules
from django.db.models import Exists, OuterRef, QuerySet
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment
from worldclass.accounts.rules import grants_for, is_certifier_staff
from worldclass.awards.models import Application, ConflictDeclaration, Cycle, JudgeAssignment, Phase, Scorecard


@rules.predicate
def is_judge(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Role.JUDGE in grants_for(user).roles


@rules.predicate
def is_applicant(user) -> bool:
    """Organization admins apply on behalf of their organization."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Role.ORG_ADMIN in grants_for(user).roles


@rules.predicate
def administers_organization(user, organization) -> bool:
    if not getattr(user, "is_authenticated", False) or organization is None:
        return False
    organization_id = getattr(organization, "pk", organization)
    return RoleAssignment.objects.filter(user=user, role=Role.ORG_ADMIN, organization_id=organization_id).exists()


@rules.predicate
def administers_application(user, application) -> bool:
    return application is not None and administers_organization(user, application.organization_id)


@rules.predicate
def judge_may_view(user, application) -> bool:
    """A panel judge assigned to the category, without a conflict, in a phase that shows the application."""
    if application is None or not is_judge(user):
        return False
    return judge_can_view(judge=user, application=application)


def stage_for_phase(phase: str) -> str | None:
    """The scorecard stage judges fill in during a phase (None: judges do not score now)."""
    return {Phase.SCREENING: Scorecard.Stage.SCREENING, Phase.WINNER_SELECTION: Scorecard.Stage.FINAL}.get(phase)


def conflicted_organization_ids(*, judge) -> set[int]:
    """Organizations a judge may not judge: declared (not overridden by staff) or belonged to."""
    declared = ConflictDeclaration.objects.filter(judge=judge, overridden=False).values_list(
        "organization_id", flat=True
    )
    member_of = RoleAssignment.objects.filter(user=judge, organization__isnull=False).values_list(
        "organization_id", flat=True
    )
    ids = set(declared) | set(member_of)
    if judge.person_id:
        # Directory people are tenant rows; reading one judge's own person across tenants is the point here.
        with scopes_disabled():
            ids.add(judge.person.organization_id)
    return ids


def _statuses_judges_see(phase: str) -> list[str]:
    if phase in (Phase.SCREENING, Phase.FINALIST_SELECTION):
        return [Application.Status.SUBMITTED, Application.Status.FINALIST, Application.Status.NOT_SELECTED]
    if phase == Phase.WINNER_SELECTION:
        return [Application.Status.FINALIST]
    return []


def applications_for_judge(*, judge, cycle: Cycle | None = None) -> QuerySet[Application]:
    """Applications a judge may see now: assigned categories, no conflict, and the phase shows them."""
    assigned = JudgeAssignment.objects.filter(judge=judge).values_list("category_id", flat=True)
    conflicted = conflicted_organization_ids(judge=judge)
    # Judges read across organizations; the filters below are the whole of what they may see.
    with scopes_disabled():
        query = Application.objects.none()
        cycles = [cycle] if cycle is not None else list(Cycle.objects.all())
        for one in cycles:
            statuses = _statuses_judges_see(one.phase)
            if statuses:
                query = query | Application.objects.filter(cycle=one, status__in=statuses)
        return (
            query.filter(category_id__in=list(assigned))
            .exclude(organization_id__in=conflicted)
            .select_related("cycle", "category", "organization")
        )


# What anyone is told about an application they may not see, whatever the reason (blind review).
NO_SUCH_APPLICATION = "No such application."


def judge_can_view(*, judge, application: Application) -> bool:
    return applications_for_judge(judge=judge, cycle=application.cycle).filter(pk=application.pk).exists()


def scorecards_a_judge_may_see(cards: QuerySet[Scorecard], *, judge) -> QuerySet[Scorecard]:
    """Of `cards`, those a judge may see: the others' on an application and stage only once their own is in."""
    own = Scorecard.objects.filter(judge=judge, application_id=OuterRef("application_id"), stage=OuterRef("stage"))
    return cards.filter(Exists(own))


rules.add_perm("awards.run_awards", is_certifier_staff)
rules.add_perm("awards.apply", is_applicant)
rules.add_perm("awards.judge", is_judge)
rules.add_perm("awards.see_application", is_certifier_staff | administers_application | judge_may_view)
rules.add_perm("awards.edit_application", administers_application)
