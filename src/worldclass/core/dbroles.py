"""Two PostgreSQL roles (docs/deployment.md): the tables' owner runs migrations; the application runs as a role that
may read and write rows but cannot ALTER, TRUNCATE, disable triggers or set `session_replication_role`.

With `DATABASE_MIGRATE_URL` set, `migrate` and `flush` (and the test database's creation and removal) log the
connection in as the owner, on the same database, and `migrate` grants the application role what it needs on every
table. Without it, everything runs as `DATABASE_URL`'s role, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def owner_credentials() -> dict[str, str] | None:
    """The owner role's user, password, host and port, or None when the app and migrations share one role."""
    owner = settings.DATABASE_MIGRATE
    if not owner or owner.get("USER") == settings.DATABASE_APP_ROLE:
        return None
    return {key: owner.get(key, "") for key in CREDENTIALS}


def log_in_as(alias: str, credentials: dict) -> dict:
    """Close `alias`'s connection and reconnect (lazily) with these credentials; returns the previous ones."""
    connection = connections[alias]
    saved = {key: connection.settings_dict.get(key, "") for key in CREDENTIALS}
    connection.close()
    connection.settings_dict.update(credentials)
    return saved


@contextmanager
def connected_as_owner(alias: str = "default") -> Iterator[bool]:
    """Run the block with `alias` connected as the owner role (the same database). Yields whether it is the owner:
    False without an owner role, and inside a transaction (which reconnecting would end), where it stays as it is."""
    owner = owner_credentials()
    connection = connections[alias]
    if owner is None or connection.vendor != "postgresql":
        yield False
        return
    if connection.settings_dict.get("USER") == owner["USER"]:
        yield True
        return
    if connection.in_atomic_block:
        yield False
        return
    saved = log_in_as(alias, owner)
    try:
        yield True
    finally:
        log_in_as(alias, saved)


def grant_app_role(alias: str = "default") -> None:
    """Give the application role rows (not tables) on everything the owner created; run as the owner."""
    connection = connections[alias]
    role = connection.ops.quote_name(settings.DATABASE_APP_ROLE)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}")
