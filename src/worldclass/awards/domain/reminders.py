"""Deadline reminders by e-mail, 7 days and 1 day before each step's deadline; never the same one twice."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.accounts.models import User
from worldclass.awards.domain.common import applicant_emails, notify, staff_emails
from worldclass.awards.domain.deadlines import DEADLINE_FIELDS, describe_deadline, local_today
from worldclass.awards.models import Application, Cycle, NominationStory, PanelMember, Phase, SentReminder, Step
from worldclass.core.domain import record_audit_event

REMINDER_DAYS = (7, 1)


def _recipients(*, cycle: Cycle, step: str) -> list[str]:
    """Who still owes work for a step."""
    # Reminders go to every applicant organization of the cycle that still owes the step.
    with scopes_disabled():
        applications = Application.objects.filter(cycle=cycle)
        if step == Step.APPLICATION:
            owing = applications.filter(status=Application.Status.DRAFT)
        elif step == Step.CHECKLIST:
            owing = applications.exclude(status=Application.Status.DRAFT).filter(checklist_submitted_at__isnull=True)
        elif step == Step.STORY:
            with_story = NominationStory.objects.values("application_id")
            owing = applications.filter(status=Application.Status.FINALIST).exclude(pk__in=with_story)
        else:
            judges = User.objects.filter(pk__in=PanelMember.objects.filter(cycle=cycle).values("judge_id"))
            return sorted(set(staff_emails()) | set(judges.exclude(email="").values_list("email", flat=True)))
        org_ids = set(owing.values_list("organization_id", flat=True))
    emails: set[str] = set()
    for org_id in org_ids:
        emails.update(applicant_emails(org_id))
    return sorted(emails)


def due_reminders(*, cycle: Cycle, now: dt.datetime | None = None) -> list[tuple[str, int]]:
    """The (step, days before) reminders due today: 7-day ones from 7 days before, 1-day ones on the last day's eve."""
    today = local_today(cycle=cycle, now=now)
    due = []
    for step, field in DEADLINE_FIELDS.items():
        deadline = getattr(cycle, field)
        days_left = (deadline - today).days
        if days_left < 0:
            continue
        if 1 < days_left <= 7:
            due.append((step, 7))
        elif days_left <= 1:
            due.append((step, 1))
    return due


def send_award_reminders(*, now: dt.datetime | None = None) -> int:
    """Send every reminder due now for every open cycle; each (cycle, step, days, address) goes out once."""
    now = now or timezone.now()
    sent = 0
    for cycle in Cycle.objects.exclude(phase=Phase.CLOSED):
        for step, days in due_reminders(cycle=cycle, now=now):
            deadline = getattr(cycle, DEADLINE_FIELDS[step])
            for email in _recipients(cycle=cycle, step=step):
                if SentReminder.objects.filter(cycle=cycle, step=step, days_before=days, email=email).exists():
                    continue
                try:
                    with transaction.atomic():
                        reminder = SentReminder.objects.create(cycle=cycle, step=step, days_before=days, email=email)

                        # The loop's values bound now: this runs after the commit, when the loop has moved on.
                        def due_again(
                            reminder_id: int = reminder.pk, step: str = step, days: int = days, email: str = email
                        ) -> None:
                            # Not delivered: the next run sends this reminder again. The trail is append-only, so
                            # it says so after its "sent" event rather than losing it.
                            SentReminder.objects.filter(pk=reminder_id).delete()
                            record_audit_event(
                                actor="reminders",
                                action="awards.reminder_not_delivered",
                                object_type="awards.SentReminder",
                                object_id=reminder_id,
                                summary=f"{step} {days}d → {email}: the mail server refused it; due again",
                            )

                        notify(
                            on_failure=due_again,
                            to=[email],
                            subject=f"{cycle.name}: {Step(step).label} due in {days} day{'s' if days > 1 else ''}",
                            body=f"Reminder: the deadline for {Step(step).label} is "
                            f"{describe_deadline(cycle=cycle, day=deadline)}.",
                        )
                        record_audit_event(
                            actor="reminders",
                            action="awards.send_reminder",
                            object_type="awards.SentReminder",
                            object_id=reminder.pk,
                            summary=f"{step} {days}d → {email}",
                        )
                        sent += 1
                except IntegrityError:
                    continue  # already sent (also when two runs race)
    return sent
