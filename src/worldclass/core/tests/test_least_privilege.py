"""The application's PostgreSQL role cannot step around the append-only triggers (docs/deployment.md)."""

import pytest
from django.db import DatabaseError, connection, transaction

from worldclass.core.dbroles import owner_credentials

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles"),
]


@pytest.fixture(autouse=True)
def _as_the_app_role():
    if owner_credentials() is None:
        pytest.skip("the tests run as the owner: set DATABASE_MIGRATE_URL to run them as the app role")


@pytest.mark.parametrize(
    "statement",
    [
        'ALTER TABLE "core_auditevent" DISABLE TRIGGER "core_auditevent_append_only"',
        'ALTER TABLE "surveys_surveyresponse" DISABLE TRIGGER ALL',
        'ALTER TABLE "core_auditevent" ADD COLUMN "note" text',
        'TRUNCATE "core_auditevent"',
        'DROP TRIGGER "core_auditevent_append_only" ON "core_auditevent"',
        "SET session_replication_role = replica",
    ],
)
def test_the_app_role_is_refused(statement):
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert refused.value.__cause__.sqlstate in {"42501", "42883"}  # insufficient_privilege / must be owner


def test_the_app_role_is_not_the_owner():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, superuser = cursor.fetchone()
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'core_auditevent'")
        (owner,) = cursor.fetchone()
    assert (superuser, owner) == (False, owner_credentials()["USER"])
    assert user != owner


def test_the_app_role_writes_rows():
    from worldclass.core.domain import record_audit_event
    from worldclass.core.models import AuditEvent

    record_audit_event(actor="tests", action="write")
    assert AuditEvent.objects.count() == 1
