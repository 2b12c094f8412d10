"""The applicant's five steps, and the staff's work on applications (interviews, extensions, moves, finalists)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.awards.domain.common import applicant_emails, audit, notify, require_org_admin, require_staff
from worldclass.awards.domain.deadlines import describe_deadline, require_before_deadline
from worldclass.awards.domain.text import SUMMARY_MAX_CHARACTERS, visible_length
from worldclass.awards.models import (
    Application,
    Category,
    CategoryMove,
    ChecklistAnswer,
    Cycle,
    DeadlineExtension,
    GalaAttendee,
    Interview,
    NominationStory,
    Phase,
    Step,
    StoryAttachment,
)
from worldclass.core.errors import AppError, Conflict, ErrorDetail
from worldclass.directory.models import Organization

Status = Application.Status


def _invalid(message: str, field: str) -> AppError:
    return AppError(code="invalid", message=message, details=[ErrorDetail(message=message, field=field)])


def register_organization(*, organization_name: str, username: str, email: str, password: str) -> User:
    """A non-client registers: an organization (not a client) and its first admin."""
    organization_name = organization_name.strip()
    if not organization_name:
        raise _invalid("The organization needs a name.", "organization_name")
    if not email.strip():
        raise _invalid("An e-mail address is required for award notices.", "email")
    if User.objects.filter(username=username).exists():
        raise Conflict(f"The username {username!r} is taken.", code="duplicate_username")
    candidate = User(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise AppError(
            code="invalid",
            message="The password is too weak.",
            details=[ErrorDetail(message=m, field="password") for m in error.messages],
        ) from error
    base = slugify(organization_name)[:50] or "organization"
    with transaction.atomic():
        code, n = base, 1
        while Organization.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        organization = Organization.objects.create(
            code=code, name=organization_name, is_client=False, listed_in_registry=False
        )
        user = User.objects.create_user(username=username, email=email, password=password)
        RoleAssignment.objects.create(user=user, role=Role.ORG_ADMIN, organization=organization)
        audit(
            user=user,
            action="register_organization",
            obj=organization,
            organization=organization,
            summary=f"Non-client {organization_name} registered for the awards",
        )
    return user


def _check_summary(summary: str) -> str:
    summary = summary.strip()
    if not summary:
        raise _invalid("Describe why the practice is unique.", "summary")
    length = visible_length(summary)
    if length > SUMMARY_MAX_CHARACTERS:
        raise _invalid(
            f"The summary is {length} characters long; at most {SUMMARY_MAX_CHARACTERS} are allowed.", "summary"
        )
    return summary


def create_application(
    *,
    user,
    cycle: Cycle,
    category: Category,
    organization: Organization,
    title: str,
    summary: str,
    previous_application: Application | None = None,
    submit: bool = False,
    now: dt.datetime | None = None,
) -> Application:
    """Step 1: an organization applies a practice to a category (as a draft, or submitted at once)."""
    require_org_admin(user, organization.pk)
    if category.cycle_id != cycle.pk:
        raise _invalid("The category belongs to another cycle.", "category")
    if category.retired_at is not None:
        raise _invalid(f"The category {category.name} is retired and takes no applications.", "category")
    if not title.strip():
        raise _invalid("Give the practice a title.", "title")
    summary = _check_summary(summary)
    require_before_deadline(cycle=cycle, step=Step.APPLICATION, now=now)
    if previous_application is not None and (
        previous_application.organization_id != organization.pk or previous_application.cycle.year >= cycle.year
    ):
        raise _invalid(
            "A re-application links to the same organization's application of an earlier cycle.", "previous_application"
        )
    moment = now or timezone.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cycle=cycle,
                organization=organization,
                category=category,
                title=title.strip(),
                summary=summary,
                previous_application=previous_application,
                created_by=user,
                status=Status.SUBMITTED if submit else Status.DRAFT,
                submitted_at=moment if submit else None,
            )
            audit(
                user=user,
                action="submit_application" if submit else "create_application",
                obj=application,
                organization=organization,
                summary=f"{organization.name} applied to {category.name}",
            )
    except IntegrityError as error:
        raise Conflict(
            f"{organization.name} has already applied to {category.name}.", code="duplicate_application"
        ) from error
    return application


def update_application(
    *, user, application: Application, title: str, summary: str, now: dt.datetime | None = None
) -> Application:
    require_org_admin(user, application.organization_id)
    summary = _check_summary(summary)
    if not title.strip():
        raise _invalid("Give the practice a title.", "title")
    require_before_deadline(cycle=application.cycle, step=Step.APPLICATION, application=application, now=now)
    with transaction.atomic():
        application.title = title.strip()
        application.summary = summary
        application.save(update_fields=["title", "summary"])
        audit(user=user, action="update_application", obj=application, organization=application.organization)
    return application


def submit_application(*, user, application: Application, now: dt.datetime | None = None) -> Application:
    require_org_admin(user, application.organization_id)
    require_before_deadline(cycle=application.cycle, step=Step.APPLICATION, application=application, now=now)
    _check_summary(application.summary)
    with transaction.atomic():
        if application.status == Status.DRAFT:
            application.status = Status.SUBMITTED
            application.submitted_at = now or timezone.now()
            application.save(update_fields=["status", "submitted_at"])
            audit(user=user, action="submit_application", obj=application, organization=application.organization)
    return application


def answer_checklist(
    *,
    user,
    application: Application,
    answers: list[tuple[int, bool, str]],
    submit: bool = False,
    now: dt.datetime | None = None,
) -> list[ChecklistAnswer]:
    """Step 2: answer the category's checklist items yes or no, each with evidence; submit when all are answered."""
    require_org_admin(user, application.organization_id)
    if application.status == Status.DRAFT:
        raise Conflict("Submit the application (Step 1) before the checklist.", code="not_submitted")
    require_before_deadline(cycle=application.cycle, step=Step.CHECKLIST, application=application, now=now)
    items = {item.pk: item for item in application.category.checklist_items.all()}
    details = []
    for item_id, _meets, evidence in answers:
        if item_id not in items:
            details.append(ErrorDetail(message="Not an item of this category's checklist.", field=f"item {item_id}"))
        elif not evidence.strip():
            details.append(ErrorDetail(message="Give the evidence for this answer.", field=f"evidence {item_id}"))
    if details:
        raise AppError(code="invalid", message="Some checklist answers are incomplete.", details=details)
    with transaction.atomic():
        saved = []
        for item_id, meets, evidence in answers:
            answer, _ = ChecklistAnswer.objects.update_or_create(
                application=application, item_id=item_id, defaults={"meets": meets, "evidence": evidence.strip()}
            )
            saved.append(answer)
        if submit:
            answered = set(application.checklist_answers.values_list("item_id", flat=True))
            missing = [items[i].text for i in items if i not in answered]
            if missing:
                raise AppError(
                    code="invalid",
                    message="Answer every checklist item before submitting.",
                    details=[ErrorDetail(message=text, field="answers") for text in missing],
                )
            application.checklist_submitted_at = now or timezone.now()
            application.save(update_fields=["checklist_submitted_at"])
        audit(
            user=user,
            action="submit_checklist" if submit else "answer_checklist",
            obj=application,
            organization=application.organization,
            details={"answers": len(saved)},
        )
    return saved


def schedule_interview(
    *, user, application: Application, scheduled_at: dt.datetime, interviewer=None, notes: str = ""
) -> Interview:
    """Step 3: a phone interview between the interview dates of the cycle."""
    require_staff(user)
    cycle = application.cycle
    local_day = scheduled_at.astimezone(ZoneInfo(cycle.time_zone)).date()
    if not cycle.interviews_start <= local_day <= cycle.interviews_end:
        raise _invalid(
            f"Phone interviews take place between {cycle.interviews_start:%B} {cycle.interviews_start.day} and "
            f"{cycle.interviews_end:%B} {cycle.interviews_end.day}, {cycle.interviews_end.year}.",
            "scheduled_at",
        )
    if application.status == Status.DRAFT:
        raise Conflict("The application is not submitted.", code="not_submitted")
    with transaction.atomic():
        interview = Interview.objects.create(
            application=application, scheduled_at=scheduled_at, interviewer=interviewer or user, notes=notes
        )
        audit(
            user=user,
            action="schedule_interview",
            obj=interview,
            organization=application.organization,
            summary=f"Interview on {local_day}",
        )
    return interview


def record_interview_notes(*, user, interview: Interview, notes: str) -> Interview:
    require_staff(user)
    with transaction.atomic():
        interview.notes = notes
        interview.save(update_fields=["notes"])
        audit(
            user=user, action="record_interview_notes", obj=interview, organization=interview.application.organization
        )
    return interview


def grant_extension(*, user, application: Application, step: str, until: dt.date, reason: str) -> DeadlineExtension:
    """Staff give one application a later last day for one step; recorded with the reason."""
    require_staff(user)
    if step not in (Step.APPLICATION, Step.CHECKLIST, Step.STORY):
        raise _invalid("Extensions apply to the applicant's steps: application, checklist or story.", "step")
    if not reason.strip():
        raise _invalid("Say why the extension is granted.", "reason")
    with transaction.atomic():
        extension, _ = DeadlineExtension.objects.update_or_create(
            application=application, step=step, defaults={"until": until, "reason": reason.strip(), "granted_by": user}
        )
        audit(
            user=user,
            action="grant_extension",
            obj=extension,
            organization=application.organization,
            summary=f"{Step(step).label} extended to {describe_deadline(cycle=application.cycle, day=until)}",
        )
        notify(
            to=applicant_emails(application.organization_id),
            subject=f"Deadline extended: {application.title}",
            body=f"Your {Step(step).label} deadline for “{application.title}” is now "
            f"{describe_deadline(cycle=application.cycle, day=until)}.",
        )
    return extension


def move_application(*, user, application: Application, to_category: Category, reason: str) -> CategoryMove:
    """Staff move an application to a better-fitting category; the original category, reason and mover are kept."""
    require_staff(user)
    if to_category.cycle_id != application.cycle_id:
        raise _invalid("The new category belongs to another cycle.", "category")
    if to_category.pk == application.category_id:
        raise _invalid("The application is already in this category.", "category")
    if to_category.retired_at is not None:
        raise _invalid(f"The category {to_category.name} is retired.", "category")
    if not reason.strip():
        raise _invalid("Say why the application fits the new category better.", "reason")
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            move = CategoryMove.objects.create(
                application=locked,
                from_category_id=locked.category_id,
                to_category=to_category,
                reason=reason.strip(),
                moved_by=user,
            )
            if locked.original_category_id is None:
                locked.original_category_id = locked.category_id
            locked.category = to_category
            locked.save(update_fields=["category", "original_category"])
            audit(
                user=user,
                action="move_application",
                obj=locked,
                organization=locked.organization,
                summary=f"Moved to {to_category.name}",
                details={"from": move.from_category_id, "to": to_category.pk, "reason": move.reason},
            )
            notify(
                to=applicant_emails(locked.organization_id),
                subject=f"Your application moved to {to_category.name}",
                body=f"We reviewed “{locked.title}” and moved it to the category {to_category.name} for award "
                f"consideration.\n\nReason: {move.reason}",
            )
    except IntegrityError as error:
        raise Conflict(
            f"The organization already has an application in {to_category.name}.", code="duplicate_application"
        ) from error
    application.refresh_from_db()
    return move


def set_finalist(*, user, application: Application, finalist: bool) -> Application:
    """Staff select (or unselect) a finalist while the panel is in finalist selection."""
    require_staff(user)
    cycle = application.cycle
    if cycle.phase != Phase.FINALIST_SELECTION:
        raise Conflict("Finalists are chosen in the finalist selection phase.", code="wrong_phase")
    if cycle.finalists_notified_at is not None:
        raise Conflict("Applicants have already been notified of the finalists.", code="finalists_notified")
    if application.status == Status.DRAFT:
        raise Conflict("A draft application cannot be a finalist.", code="not_submitted")
    with transaction.atomic():
        application.status = Status.FINALIST if finalist else Status.SUBMITTED
        application.save(update_fields=["status"])
        audit(
            user=user,
            action="select_finalist" if finalist else "unselect_finalist",
            obj=application,
            organization=application.organization,
        )
    return application


def notify_applicants(*, user, cycle: Cycle, now: dt.datetime | None = None) -> int:
    """Step 3: every applicant hears whether they are a finalist; the others are marked not selected."""
    require_staff(user)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.finalists_notified_at is not None:
            raise Conflict("Applicants have already been notified.", code="finalists_notified")
        # Staff notify every applicant organization of the cycle.
        with scopes_disabled():
            applications = list(
                Application.objects.filter(cycle=locked).exclude(status=Status.DRAFT).select_related("category")
            )
        for application in applications:
            if application.status != Status.FINALIST:
                application.status = Status.NOT_SELECTED
                application.save(update_fields=["status"])
                body = (
                    f"Thank you for applying “{application.title}” in {application.category.name}. "
                    "It was not selected as a finalist this year."
                )
            else:
                body = (
                    f"Congratulations: “{application.title}” is a finalist in {application.category.name}. "
                    f"Please submit your nomination story by "
                    f"{describe_deadline(cycle=locked, day=locked.story_deadline)}."
                )
            notify(to=applicant_emails(application.organization_id), subject=f"{locked.name}: finalists", body=body)
        locked.finalists_notified_at = now or timezone.now()
        locked.save(update_fields=["finalists_notified_at"])
        audit(user=user, action="notify_applicants", obj=locked, details={"applications": len(applications)})
    return len(applications)


def submit_story(
    *,
    user,
    application: Application,
    impact: str,
    how_it_works: str,
    results: str,
    difference: str,
    now: dt.datetime | None = None,
) -> NominationStory:
    """Step 4: a finalist's nomination story, following the template, by the story deadline."""
    require_org_admin(user, application.organization_id)
    if application.status != Status.FINALIST or application.cycle.finalists_notified_at is None:
        raise Conflict("Only notified finalists submit a nomination story.", code="not_finalist")
    sections = {"impact": impact, "how_it_works": how_it_works, "results": results, "difference": difference}
    missing = [
        ErrorDetail(message="This section of the template is required.", field=k)
        for k, v in sections.items()
        if not v.strip()
    ]
    if missing:
        raise AppError(code="invalid", message="Complete every section of the nomination story.", details=missing)
    require_before_deadline(cycle=application.cycle, step=Step.STORY, application=application, now=now)
    with transaction.atomic():
        story, created = NominationStory.objects.update_or_create(
            application=application,
            defaults={**{k: v.strip() for k, v in sections.items()}, "submitted_at": now or timezone.now()},
        )
        audit(
            user=user,
            action="submit_story",
            obj=story,
            organization=application.organization,
            summary="Story submitted" if created else "Story updated",
        )
    return story


def add_attachment(*, user, application: Application, title: str, file, now: dt.datetime | None = None):
    require_org_admin(user, application.organization_id)
    story = NominationStory.objects.filter(application=application).first()
    if story is None:
        raise Conflict("Submit the nomination story before attaching files.", code="no_story")
    require_before_deadline(cycle=application.cycle, step=Step.STORY, application=application, now=now)
    with transaction.atomic():
        attachment = StoryAttachment.objects.create(story=story, title=title.strip() or file.name, file=file)
        audit(user=user, action="add_attachment", obj=attachment, organization=application.organization)
    return attachment


def record_publication_consent(*, user, application: Application, now: dt.datetime | None = None) -> Application:
    """The applicant agrees that, if it wins, its logo and edited story may be published."""
    require_org_admin(user, application.organization_id)
    if application.status != Status.FINALIST:
        raise Conflict("Consent to publication is recorded for finalists.", code="not_finalist")
    with transaction.atomic():
        application.publication_consent_at = now or timezone.now()
        application.publication_consent_by = user
        application.save(update_fields=["publication_consent_at", "publication_consent_by"])
        audit(user=user, action="record_publication_consent", obj=application, organization=application.organization)
    return application


def register_gala_attendee(*, user, application: Application, name: str, email: str) -> GalaAttendee:
    require_org_admin(user, application.organization_id)
    if application.status != Status.FINALIST:
        raise Conflict("Finalists register their gala attendees.", code="not_finalist")
    if not name.strip():
        raise _invalid("The attendee's name is required.", "name")
    if not email.strip():
        raise _invalid("The attendee's e-mail is required.", "email")
    try:
        with transaction.atomic():
            attendee = GalaAttendee.objects.create(application=application, name=name.strip(), email=email.strip())
            audit(
                user=user,
                action="register_gala_attendee",
                obj=attendee,
                organization=application.organization,
                summary=name.strip(),
            )
    except IntegrityError as error:
        raise Conflict(f"{email} is already registered.", code="duplicate_attendee") from error
    return attendee
