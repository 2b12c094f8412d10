"""What the tests of the surveys' data migrations share: they run a migration's function as the tables' owner, on
the test's connection."""

import pytest
from django.db import connection, transaction

from worldclass.certification.domain.rollups import rebuild_rollups
from worldclass.certification.models import MonthlyRollup
from worldclass.core.append_only import append_only_trigger_lifted
from worldclass.core.dbroles import connected_as_owner

TABLE = "surveys_surveyresponse"


@pytest.fixture
def as_owner():
    """A migration runs as the tables' owner (docs/deployment.md), never as the application's role: so do these
    tests, which therefore cannot run inside the test's transaction (reconnecting would end it)."""
    with connected_as_owner():
        yield


class SchemaEditor:
    """What a RunPython function uses of a schema editor, on the test's connection (inside its transaction;
    SQLite's real schema editor cannot be opened inside one)."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def rollups() -> dict:
    return {
        (r.window_id, r.level, r.entity_id, r.month): (r.eligible, r.ineligible, r.world_class)
        for r in MonthlyRollup.objects.all()
    }


def store_old_values(column: str, old: dict[int, int]) -> None:
    """Put back the values of `column` (survey id: value) that a database written before the correction holds, and
    the rollups they gave."""
    with transaction.atomic(), append_only_trigger_lifted(SchemaEditor(), TABLE), connection.cursor() as cursor:
        for pk, value in old.items():
            cursor.execute(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, pk])
    rebuild_rollups()
