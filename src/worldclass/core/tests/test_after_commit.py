"""E-mails and other messages leave after the commit of the transaction that decided them, never after a rollback."""

import pytest
from django.core import mail
from django.db import transaction

from worldclass.core.after_commit import send_mail_after_commit

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
