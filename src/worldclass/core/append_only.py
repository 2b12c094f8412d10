"""Append-only rows: the ORM refuses updates and deletes, and database triggers refuse them too.

Customers' answers and the audit trail are facts; nobody edits them. The ORM guard gives a clear error in
the application; the triggers make the promise hold for raw SQL as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import migrations, models

from worldclass.core.errors import AppError


class AppendOnlyError(AppError):
    def __init__(self, model_name: str) -> None:
        super().__init__(
            code="append_only",
            message=f"{model_name} rows are append-only: they cannot be changed or deleted.",
            status=409,
        )


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(self.model._meta.verbose_name)

    def delete(self):
        raise AppendOnlyError(self.model._meta.verbose_name)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(self.model._meta.verbose_name)


class AppendOnlyModel(models.Model):
    """Abstract base for rows that may be inserted but never changed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(self._meta.verbose_name)
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(self._meta.verbose_name)


def install_append_only_trigger(schema_editor, table: str) -> None:
    """Create the trigger refusing changes to `table` (PostgreSQL: UPDATE and DELETE; SQLite: UPDATE)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION worldclass_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'restrict_violation'; END; "
            "$$ LANGUAGE plpgsql",
            params=None,
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION worldclass_refuse_change()"
        )
    elif vendor == "sqlite":
        # Only UPDATE on SQLite: Django's test flush empties tables with DELETE there
        # (PostgreSQL uses TRUNCATE, which row triggers do not see). The ORM refuses deletes on both.
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: UPDATE refused'); END"
        )


def remove_append_only_trigger(schema_editor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
    elif vendor == "sqlite":
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only"')


@contextmanager
def append_only_trigger_lifted(schema_editor, table: str) -> Iterator[None]:
    """For a data migration that corrects derived columns: the trigger is dropped and re-created around the
    block, in the migration's transaction, so no other session ever sees the table without it."""
    if not schema_editor.connection.in_atomic_block:
        raise RuntimeError("lift the append-only trigger only inside a transaction (an atomic migration)")
    remove_append_only_trigger(schema_editor, table)
    yield
    install_append_only_trigger(schema_editor, table)


def _create_triggers(table: str):
    def forwards(apps, schema_editor):
        install_append_only_trigger(schema_editor, table)

    def backwards(apps, schema_editor):
        remove_append_only_trigger(schema_editor, table)

    return forwards, backwards


def append_only_triggers(table: str) -> migrations.RunPython:
    """A migration operation installing the append-only trigger on `table`."""
    forwards, backwards = _create_triggers(table)
    return migrations.RunPython(forwards, backwards)
