"""The panel: judges, category assignments, conflicts of interest and scoring."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.awards.domain.common import audit, require_judge, require_staff
from worldclass.awards.models import (
    SCORE_MAX,
    SCORE_MIN,
    Application,
    Category,
    ConflictDeclaration,
    Cycle,
    JudgeAssignment,
    PanelMember,
    Score,
    Scorecard,
)
from worldclass.awards.rules import (
    NO_SUCH_APPLICATION,
    conflicted_organization_ids,
    is_judge,
    judge_can_view,
    stage_for_phase,
)
from worldclass.core.errors import AppError, Conflict, ErrorDetail, NotFound


def add_panel_member(*, user, cycle: Cycle, judge) -> PanelMember:
    """Put a judge on the cycle's panel (six by default)."""
    require_staff(user)
    if not is_judge(judge):
        raise AppError(
            code="invalid",
            message=f"{judge} does not hold the judge role.",
            details=[ErrorDetail("Not a judge.", "judge")],
        )
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if PanelMember.objects.filter(cycle=locked, judge=judge).exists():
            raise Conflict(f"{judge} is already on the panel.", code="duplicate_panel_member")
        if PanelMember.objects.filter(cycle=locked).count() >= locked.panel_size:
            raise Conflict(f"The panel is full ({locked.panel_size} judges).", code="panel_full")
        member = PanelMember.objects.create(cycle=locked, judge=judge)
        audit(user=user, action="add_panel_member", obj=member, summary=judge.get_username())
    return member


def assign_judge(*, user, category: Category, judge) -> JudgeAssignment:
    """Assign a panel judge to a category; refused if the judge is conflicted with an applicant in it."""
    require_staff(user)
    if not PanelMember.objects.filter(cycle_id=category.cycle_id, judge=judge).exists():
        raise Conflict(f"{judge} is not on this cycle's panel.", code="not_on_panel")
    conflicted = conflicted_organization_ids(judge=judge)
    # Staff check every applicant organization of the category.
    with scopes_disabled():
        clashes = sorted(
            {
                a.organization.name
                for a in Application.objects.filter(category=category, organization_id__in=conflicted).select_related(
                    "organization"
                )
            }
        )
    if clashes:
        raise Conflict(
            f"{judge} has a conflict of interest with {', '.join(clashes)}, which applied to {category.name}.",
            code="conflict_of_interest",
            details=[ErrorDetail(message=f"Conflict with {name}.", field="judge") for name in clashes],
        )
    try:
        with transaction.atomic():
            assignment = JudgeAssignment.objects.create(category=category, judge=judge, assigned_by=user)
            audit(user=user, action="assign_judge", obj=assignment, summary=f"{judge.get_username()} → {category.name}")
    except IntegrityError as error:
        raise Conflict(f"{judge} is already assigned to {category.name}.", code="duplicate_assignment") from error
    return assignment


def declare_conflict(*, judge, organization, reason: str = "") -> ConflictDeclaration:
    """A judge declares a conflict of interest with an organization; from then on its applications are hidden."""
    require_judge(judge)
    with transaction.atomic():
        declaration, created = ConflictDeclaration.objects.get_or_create(
            judge=judge, organization=organization, defaults={"reason": reason.strip()}
        )
        if not created and declaration.overridden:
            raise Conflict("Staff reviewed this declaration and overrode it.", code="conflict_overridden")
        if created:
            audit(user=judge, action="declare_conflict", obj=declaration, organization=organization)
    return declaration


def review_conflict(*, user, declaration: ConflictDeclaration, override: bool, reason: str) -> ConflictDeclaration:
    """Staff review a declaration: override it (no conflict) or uphold it, with a reason either way."""
    require_staff(user)
    if not reason.strip():
        raise AppError(
            code="invalid", message="Give the reason for the review.", details=[ErrorDetail("Required.", "reason")]
        )
    with transaction.atomic():
        declaration.overridden = override
        declaration.review_reason = reason.strip()
        declaration.reviewed_by = user
        declaration.reviewed_at = timezone.now()
        declaration.save(update_fields=["overridden", "review_reason", "reviewed_by", "reviewed_at"])
        audit(
            user=user,
            action="override_conflict" if override else "uphold_conflict",
            obj=declaration,
            organization=declaration.organization,
            summary=reason.strip(),
        )
    return declaration


def submit_scorecard(*, judge, application: Application, values: dict[int, int | None], comment: str = "") -> Scorecard:
    """A judge scores an application on every criterion of the rubric (None abstains on a criterion)."""
    require_judge(judge)
    # Conflicted or not assigned, the judge gets the same answer (blind review); judge_can_view excludes both.
    if not judge_can_view(judge=judge, application=application):
        raise NotFound(NO_SUCH_APPLICATION)
    stage = stage_for_phase(application.cycle.phase)
    if stage is None:
        raise Conflict(f"Judges do not score in the {application.cycle.get_phase_display()} phase.", code="wrong_phase")
    criteria = {c.pk: c for c in application.cycle.criteria.all()}
    details = []
    for criterion_id, value in values.items():
        if criterion_id not in criteria:
            details.append(
                ErrorDetail(message="Not a criterion of this cycle's rubric.", field=f"scores.{criterion_id}")
            )
        elif value is not None and not (SCORE_MIN <= value <= SCORE_MAX):
            details.append(
                ErrorDetail(
                    message=f"Score {value} is out of range; use {SCORE_MIN} to {SCORE_MAX}, or abstain.",
                    field=f"scores.{criteria[criterion_id].name}",
                )
            )
    for criterion_id, criterion in criteria.items():
        if criterion_id not in values:
            details.append(
                ErrorDetail(message="Score or abstain on every criterion.", field=f"scores.{criterion.name}")
            )
    if details:
        raise AppError(code="invalid_score", message="The scores are invalid.", details=details)
    if all(v is None for v in values.values()):
        raise AppError(code="invalid_score", message="Score at least one criterion; you abstained on all of them.")
    with transaction.atomic():
        card, _ = Scorecard.objects.update_or_create(
            application=application, judge=judge, stage=stage, defaults={"comment": comment.strip()}
        )
        for criterion_id, value in values.items():
            Score.objects.update_or_create(scorecard=card, criterion_id=criterion_id, defaults={"value": value})
        audit(
            user=judge,
            action="submit_scorecard",
            obj=card,
            organization=application.organization,
            details={"stage": stage, "scores": {criteria[k].name: v for k, v in values.items()}},
        )
    return card
