"""What a database error means, for the writers that recover from one."""

from __future__ import annotations

from django.db import IntegrityError

_UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a row because its unique key is taken."""
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == _UNIQUE_VIOLATION
        or getattr(cause, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE"
    )
