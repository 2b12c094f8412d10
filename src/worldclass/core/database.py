"""What a database error means, for the writers that recover from one; reads that must agree with each other."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction

_UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a row because its unique key is taken."""
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == _UNIQUE_VIOLATION
        or getattr(cause, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE"
    )


@contextmanager
def reads_in_one_snapshot() -> Iterator[None]:
    """A transaction whose reads all see the database as it was at the first of them: PostgreSQL's REPEATABLE
    READ (its default, READ COMMITTED, takes a snapshot per statement); a SQLite transaction always does. Inside a
    transaction already begun, that transaction's own isolation holds."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield
