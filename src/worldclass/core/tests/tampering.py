"""Rewriting append-only rows the way an attacker with the database owner's rights would: around the triggers."""

from __future__ import annotations

from django.db import connection


def tamper(table: str, sql: str, params: list | None = None) -> None:
    """Run `sql` on `table` with its append-only trigger out of the way (the owner's privilege), then restore it."""
    trigger = f"{table}_append_only"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key checks: run those of the test's own inserts now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
            cursor.execute(sql, params or [])
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            [trigger],
        )
        (definition,) = cursor.fetchone()
        cursor.execute(f'DROP TRIGGER "{trigger}"')
        cursor.execute(sql, params or [])
        cursor.execute(definition)
