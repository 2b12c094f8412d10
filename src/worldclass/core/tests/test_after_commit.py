"""E-mails, other messages and tasks leave after the commit of the transaction that decided them, never after a
rollback."""

import threading

import pytest
from django.core import mail
from django.db import transaction

from worldclass.core.after_commit import send_mail_after_commit
from worldclass.core.background import start_task
from worldclass.core.tests.test_background import task  # noqa: F401 (the recording task fixture)

pytestmark = pytest.mark.django_db


def _send() -> None:
    send_mail_after_commit(subject="News", body="It happened.", to=["ann@example.com"])


def test_a_mail_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _send()
        waiting = len(mail.outbox)
    assert (waiting, [(m.to, m.subject, m.body) for m in mail.outbox]) == (
        0,
        [(["ann@example.com"], "News", "It happened.")],
    )


def test_no_mail_leaves_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _send()
        raise RuntimeError("a later step fails")
    assert (callbacks, mail.outbox) == ([], [])


def test_a_mail_to_nobody_is_not_queued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        send_mail_after_commit(subject="News", body="It happened.", to=[])
    assert callbacks == []


def test_a_mail_that_fails_to_send_is_logged_and_the_next_one_still_goes(
    django_capture_on_commit_callbacks, settings, monkeypatch, caplog
):
    sent = []

    def send_mail(subject, body, from_email, to, fail_silently):
        if to == ["down@example.com"]:
            raise ConnectionError("the mail server is down")
        sent.append(to)

    monkeypatch.setattr("worldclass.core.after_commit.send_mail", send_mail)
    with django_capture_on_commit_callbacks(execute=True):
        send_mail_after_commit(subject="News", body="x", to=["down@example.com"])
        send_mail_after_commit(subject="News", body="x", to=["ann@example.com"])
    assert (sent, "the mail server is down" in caplog.text) == ([["ann@example.com"]], True)


def test_a_task_started_in_a_transaction_is_queued_once_it_commits(
    task,  # noqa: F811 (test_background's recording task, a fixture)
    settings,
    django_capture_on_commit_callbacks,
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            start_task("tests.recording", 7)
        waiting = list(task.calls)
    assert (waiting, task.calls) == ([], [("delay", (7,), threading.current_thread().name)])


def test_a_task_started_in_a_rolled_back_transaction_never_starts(
    task,  # noqa: F811 (test_background's recording task, a fixture)
    settings,
    django_capture_on_commit_callbacks,
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        start_task("tests.recording", 7)
        raise RuntimeError("the request fails after starting the task")
    assert (callbacks, task.calls) == ([], [])
