"""What leaves the system (an e-mail, an SMS, a queued task) leaves only once the transaction that decided it commits.

Sent inside `transaction.atomic()`, a message would go out even when the transaction then rolls back, announcing a
change that never happened, and a queued task could start before its rows are visible to the worker. So callers hand
the sending to `after_commit`, which runs it when the outermost transaction commits (at once outside a transaction,
never after a rollback), as pretalx queues its mails. The committed change stands whatever happens next: a message
that fails to send is logged (and the others still go), it does not undo the change it announces; where the message is
owed (a customer's invitation, a deadline reminder), `on_failure` makes it due again for the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(
    send: Callable[[], object], *, robust: bool = False, on_failure: Callable[[], object] | None = None
) -> None:
    """Run `send` once the current transaction commits; `robust` logs its exception instead of raising it, and
    `on_failure` (which implies `robust`) runs after a logged failure, in its own transaction.

    `send` is a function (Django names it in the log), not a `functools.partial`."""
    if on_failure is None:
        _when_committed(send, robust=robust)
        return

    def send_or_undo() -> None:
        try:
            send()
        except Exception:
            logger.exception("%s failed after the commit; undone by %s", send.__qualname__, on_failure.__qualname__)
            with transaction.atomic():
                on_failure()

    _when_committed(send_or_undo, robust=False)


def _when_committed(callback: Callable[[], object], *, robust: bool) -> None:
    # Outside a transaction, run it now without asking the database: Django's on_commit would open a connection
    # just to learn that it is in autocommit mode (a stray connection in a thread or a process that had none).
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(callback, robust=robust)
        return
    try:
        callback()
    except Exception:
        if not robust:
            raise
        logger.exception("%s failed", callback.__qualname__)


def send_mail_after_commit(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    on_failure: Callable[[], object] | None = None,
) -> None:
    """One e-mail to `to` (nothing without recipients), sent after the commit; `from_email` defaults to
    DEFAULT_FROM_EMAIL; `on_failure` as for `after_commit`."""
    recipients = list(to)

    def send_the_mail() -> None:
        send_mail(subject, body, from_email, recipients, fail_silently=False)

    if recipients:
        after_commit(send_the_mail, robust=True, on_failure=on_failure)
