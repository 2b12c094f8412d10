"""What a database error means, for the writers that recover from one."""

from __future__ import annotations

from django.db import IntegrityError

_UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether PostgreSQL refused a row because its unique key is taken (on SQLite, one writer at a time, never)."""
    return getattr(error.__cause__, "sqlstate", None) == _UNIQUE_VIOLATION
