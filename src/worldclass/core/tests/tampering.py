"""Rewriting append-only rows the way an attacker with the database owner's rights would: around the triggers.

When the tests run as the application role (DATABASE_MIGRATE_URL set), that role is refused this, so the rewrite
goes through a separate connection as the owner; it sees committed rows only, so tests that tamper are transactional.
"""

from __future__ import annotations

from django.db import connection

from worldclass.core.dbroles import owner_credentials


def _owner_cursor_sql(table: str, trigger: str, sql: str, params: list) -> None:
    import psycopg

    owner = owner_credentials()
    with (
        psycopg.connect(
            dbname=connection.settings_dict["NAME"],
            user=owner["USER"],
            password=owner["PASSWORD"] or None,
            host=owner["HOST"] or None,
            port=owner["PORT"] or None,
            autocommit=True,
        ) as owner_connection,
        owner_connection.cursor() as cursor,
    ):
        cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
        cursor.execute(sql, params)
        cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')


def tamper(table: str, sql: str, params: list | None = None) -> None:
    """Run `sql` on `table` with its append-only trigger out of the way (the owner's privilege), then restore it."""
    trigger, params = f"{table}_append_only", params or []
    if connection.vendor == "postgresql" and owner_credentials() is not None:
        _owner_cursor_sql(table, trigger, sql, params)
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
            cursor.execute(sql, params)
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
            return
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [trigger])
        (definition,) = cursor.fetchone()
        cursor.execute(f'DROP TRIGGER "{trigger}"')
        cursor.execute(sql, params)
        cursor.execute(definition)
