import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from worldclass.awards.domain.deadlines import local_today
from worldclass.awards.domain.reminders import send_award_reminders
from worldclass.awards.models import Application, SentReminder
from worldclass.awards.tasks import send_award_reminders_task
from worldclass.awards.tests.factories import applicant_user, at
from worldclass.core.models import AuditEvent
from worldclass.core.tests.failing_mail import FAILING_EMAIL_BACKEND


@pytest.fixture
def draft(cycle, categories):
    user = applicant_user("ann")
    from worldclass.accounts.models import RoleAssignment

    org_id = RoleAssignment.objects.get(user=user).organization_id
    return Application.objects.create(
        cycle=cycle, category=categories[0], organization_id=org_id, title="Draft", summary="x", created_by=user
    )


def test_a_reminder_goes_out_seven_days_before(draft, cycle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_award_reminders(now=at(cycle, cycle.application_deadline - dt.timedelta(days=7), 9))
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ann@example.com"], f"{cycle.name}: Step 1: application due in 7 days")
    ]


def test_a_reminder_goes_out_one_day_before(draft, cycle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_award_reminders(now=at(cycle, cycle.application_deadline - dt.timedelta(days=1), 9))
    assert [m.subject for m in mail.outbox] == [f"{cycle.name}: Step 1: application due in 1 day"]


def test_no_reminder_eight_days_before(draft, cycle):
    assert send_award_reminders(now=at(cycle, cycle.application_deadline - dt.timedelta(days=8), 9)) == 0


def test_a_reminder_is_never_sent_twice(draft, cycle, django_capture_on_commit_callbacks):
    now = at(cycle, cycle.application_deadline - dt.timedelta(days=7), 9)
    with django_capture_on_commit_callbacks(execute=True):
        send_award_reminders(now=now)
        send_award_reminders(now=now + dt.timedelta(days=1))
    assert (len(mail.outbox), SentReminder.objects.count()) == (1, 1)


def test_a_reminder_the_mail_server_refused_is_sent_by_the_next_run(
    draft, cycle, settings, django_capture_on_commit_callbacks
):
    now = at(cycle, cycle.application_deadline - dt.timedelta(days=7), 9)
    settings.EMAIL_BACKEND = FAILING_EMAIL_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        send_award_reminders(now=now)
    owed_after_failure = SentReminder.objects.count()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send_award_reminders(now=now + dt.timedelta(hours=1))
    assert (owed_after_failure, [m.to for m in mail.outbox], SentReminder.objects.count()) == (
        0,
        [["ann@example.com"]],
        1,
    )


def test_submitted_applicants_get_no_application_reminder(draft, cycle):
    Application.objects.filter(pk=draft.pk).update(status="submitted", submitted_at=draft.created_at)
    assert send_award_reminders(now=at(cycle, cycle.application_deadline - dt.timedelta(days=1), 9)) == 0


def _due_tomorrow(cycle):
    cycle.application_deadline = local_today(cycle=cycle) + dt.timedelta(days=1)
    cycle.save(update_fields=["application_deadline"])


def test_the_command_sends_due_reminders(draft, cycle, django_capture_on_commit_callbacks):
    _due_tomorrow(cycle)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send-award-reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_the_celery_task_sends_due_reminders(draft, cycle):
    _due_tomorrow(cycle)
    assert send_award_reminders_task.delay().get() == 1


def test_the_audit_trail_says_when_a_reminder_was_not_delivered(
    draft, cycle, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING_EMAIL_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        send_award_reminders(now=at(cycle, cycle.application_deadline - dt.timedelta(days=7), 9))
    events = AuditEvent.objects.filter(object_type="awards.SentReminder").order_by("id")
    assert [(event.action, event.summary) for event in events] == [
        ("awards.send_reminder", "application 7d → ann@example.com"),
        ("awards.reminder_not_delivered", "application 7d → ann@example.com: the mail server refused it; due again"),
    ]
