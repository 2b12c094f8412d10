"""What a database error means, for the writers that recover from one; reads that must agree with each other;
expressions PostgreSQL must see as equal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.db.models import Func

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


class Inlined(Func):
    """An expression written with its parameters in its text on PostgreSQL (quoted by psycopg, as client-side binding
    does). With parameters bound by the server, each copy of an expression gets its own `$n`, so PostgreSQL cannot
    tell that a sort repeating a window's subquery is the same and runs it again; inlined, the copies are equal and
    it runs once. The values are quoted as safely as bound ones, but each new value makes a new statement for
    PostgreSQL to plan: for the few expressions a query repeats, not as a habit."""

    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(compiler, connection, **extra_context)
        # The text goes back into a statement whose parameters are still to be bound: its `%` are escaped again.
        return connection.ops.compose_sql(sql, params).replace("%", "%%"), ()
