"""Outside a transaction (no django_db mark: a thread or a command with no connection yet), after_commit runs the
callback at once and never asks the database anything."""

from django.db.backends.base.base import BaseDatabaseWrapper

from worldclass.core.after_commit import after_commit


def test_outside_a_transaction_it_runs_at_once_without_touching_the_database(monkeypatch):
    def refuse(self):
        raise AssertionError("after_commit opened a database connection")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    sent = []

    def send() -> None:
        sent.append("sent")

    after_commit(send)
    assert sent == ["sent"]
