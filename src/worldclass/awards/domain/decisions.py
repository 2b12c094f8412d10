"""Step 5: one winner per category, decided by staff, published with consent and a gala attendee."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from worldclass.awards.domain.common import applicant_emails, audit, notify, require_staff
from worldclass.awards.models import Application, Category, Cycle, NominationStory, Phase, WinnerDecision
from worldclass.core.errors import AppError, Conflict, ErrorDetail


def _default_edited_story(story: NominationStory | None) -> str:
    if story is None:
        return ""
    return "\n\n".join([story.impact, story.how_it_works, story.results, story.difference])


def decide_winner(*, user, category: Category, application: Application, reason: str = "") -> WinnerDecision:
    """Record the category's one winner. Two staff deciding at once: the category row lock and the unique
    constraint let exactly one decision through; the other gets a 409 naming the decision already made."""
    require_staff(user)
    if application.category_id != category.pk:
        raise AppError(
            code="invalid",
            message="The application is not in this category.",
            details=[ErrorDetail("Wrong category.", "application")],
        )
    if application.status != Application.Status.FINALIST:
        raise Conflict("Only a finalist can win.", code="not_finalist")
    try:
        with transaction.atomic():
            Category.objects.select_for_update().get(pk=category.pk)
            if Cycle.objects.get(pk=category.cycle_id).phase not in (Phase.WINNER_SELECTION, Phase.CLOSED):
                raise Conflict("Winners are decided in the winner selection phase.", code="wrong_phase")
            existing = WinnerDecision.objects.filter(cycle_id=category.cycle_id, category=category).first()
            if existing is not None:
                raise Conflict(
                    f"{category.name} already has a winner, decided by {existing.decided_by}.",
                    code="winner_already_decided",
                )
            decision = WinnerDecision.objects.create(
                cycle_id=category.cycle_id,
                category=category,
                application=application,
                reason=reason.strip(),
                decided_by=user,
            )
            story = NominationStory.objects.filter(application=application).first()
            if story is not None and not story.edited_story:
                story.edited_story = _default_edited_story(story)
                story.save(update_fields=["edited_story"])
            audit(
                user=user,
                action="decide_winner",
                obj=decision,
                organization=application.organization,
                summary=f"{category.name}: {application.title}",
            )
    except IntegrityError as error:
        raise Conflict(f"{category.name} already has a winner.", code="winner_already_decided") from error
    return decision


def edit_published_story(*, user, decision: WinnerDecision, text: str) -> NominationStory:
    require_staff(user)
    story = NominationStory.objects.filter(application=decision.application).first()
    if story is None:
        raise Conflict("The winner has no nomination story to edit.", code="no_story")
    if not text.strip():
        raise AppError(
            code="invalid",
            message="The edited story cannot be empty.",
            details=[ErrorDetail("Required.", "edited_story")],
        )
    with transaction.atomic():
        story.edited_story = text.strip()
        story.save(update_fields=["edited_story"])
        audit(user=user, action="edit_published_story", obj=story, organization=decision.application.organization)
    return story


def publish_winner(*, user, decision: WinnerDecision, now: dt.datetime | None = None) -> WinnerDecision:
    """Publish a winner on the public page: needs the winner's consent and at least one registered gala attendee."""
    require_staff(user)
    application = decision.application
    problems = []
    if application.publication_consent_at is None:
        problems.append(ErrorDetail(message="The winner has not recorded consent to publication.", field="consent"))
    if not application.gala_attendees.exists():
        problems.append(ErrorDetail(message="No gala attendee is registered for the winner.", field="gala_attendees"))
    story = NominationStory.objects.filter(application=application).first()
    if story is None or not story.edited_story.strip():
        problems.append(ErrorDetail(message="The winner has no edited story to publish.", field="edited_story"))
    if problems:
        raise Conflict(
            f"{decision.category.name}: the winner cannot be published yet.", code="cannot_publish", details=problems
        )
    with transaction.atomic():
        decision.published_at = now or timezone.now()
        decision.save(update_fields=["published_at"])
        audit(
            user=user,
            action="publish_winner",
            obj=decision,
            organization=application.organization,
            summary=f"{decision.category.name}: {application.organization.name}",
        )
        notify(
            to=applicant_emails(application.organization_id),
            subject=f"{decision.cycle.name}: you won {decision.category.name}",
            body=f"Congratulations: “{application.title}” won the {decision.category.name} award.",
        )
    return decision
