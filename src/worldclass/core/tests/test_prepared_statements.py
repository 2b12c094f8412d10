"""On PostgreSQL the app binds parameters on the server and prepares the statements a connection runs often; behind a
pooler in transaction mode, a deployment turns that off (docs/deployment.md)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

import worldclass
from worldclass.core.models import IntegrityCheck

SETTINGS_PROBE = """
from django.conf import settings
options = settings.DATABASES["default"].get("OPTIONS", {})
print(options.get("server_side_binding"), options.get("prepare_threshold"))
"""


def _postgres_options(**variables: str) -> list[str]:
    """The database options the settings give a PostgreSQL DATABASE_URL, in a fresh process with these variables."""
    source = Path(worldclass.__file__).resolve().parents[1]
    env = {key: value for key, value in os.environ.items() if key != "WORLDCLASS_DB_PREPARED_STATEMENTS"}
    env.update(
        {
            "PYTHONPATH": str(source),
            "DJANGO_SETTINGS_MODULE": "worldclass.settings",
            "DATABASE_URL": "postgres://app@db.example:5432/worldclass",
            **variables,
        }
    )
    probe = subprocess.run([sys.executable, "-c", SETTINGS_PROBE], env=env, capture_output=True, text=True, check=True)
    return probe.stdout.split()


def test_postgresql_connections_bind_on_the_server_and_prepare_by_default():
    assert _postgres_options() == ["True", "5"]


def test_a_deployment_behind_a_transaction_pooler_turns_prepared_statements_off():
    assert _postgres_options(WORLDCLASS_DB_PREPARED_STATEMENTS="0") == ["None", "None"]


def _prepared(pattern: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [pattern])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server-side prepared statements")
@pytest.mark.django_db
def test_a_statement_a_connection_runs_five_times_is_prepared_on_it():
    kinds = IntegrityCheck.objects.filter(summary="prepared statement probe").values_list("kind", flat=True)
    # The parameter is bound by the server ($1), so every run is the same statement.
    statement = 'SELECT "core_integritycheck"."kind" AS "kind" FROM "core_integritycheck" WHERE %."summary" = $1 %'
    list(kinds.all())
    once = _prepared(statement)
    for _ in range(5):
        list(kinds.all())
    assert (once, _prepared(statement)) == (0, 1)
