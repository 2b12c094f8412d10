import pytest
from django.core import mail

from worldclass.celery_app import app
from worldclass.operations.tasks import purge_contacts_task, send_due_invitations_task

pytestmark = pytest.mark.django_db


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled - set(app.tasks) == set()


def test_the_operations_jobs_are_on_the_beat_schedule():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"operations.send_due_invitations", "operations.purge_contacts"} <= scheduled


def test_the_invitation_task_sends_what_has_opened(invite, django_capture_on_commit_callbacks):
    invitation = invite("web")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_invitations_task.delay().get() == 1
    assert [message.to for message in mail.outbox] == [[invitation.call.customer_email]]


def test_the_purge_task_keeps_contacts_whose_window_is_still_open(invite, unscoped):
    call = invite("web").call
    assert purge_contacts_task.delay().get() == 0
    call.refresh_from_db()
    assert call.customer_email != ""
