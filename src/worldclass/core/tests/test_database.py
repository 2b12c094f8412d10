"""Reads that must agree with each other see one snapshot of the database."""

import psycopg
import pytest
from django.db import connection

from worldclass.core.database import reads_in_one_snapshot
from worldclass.core.models import IntegrityCheck

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a SQLite transaction always reads one snapshot"
)


def _commit_a_check_from_another_connection() -> None:
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute(
            "INSERT INTO core_integritycheck (kind, ran_at, ok, checked, summary, problems) "
            "VALUES ('audit', now(), true, 0, 'elsewhere', '[]')"
        )


@pytest.mark.django_db(transaction=True)
def test_a_row_committed_meanwhile_is_not_seen_until_the_snapshot_ends():
    with reads_in_one_snapshot():
        before = IntegrityCheck.objects.count()
        _commit_a_check_from_another_connection()
        during = IntegrityCheck.objects.count()
    assert (before, during, IntegrityCheck.objects.count()) == (0, 0, 1)


@pytest.mark.django_db
def test_inside_a_transaction_already_begun_the_reads_keep_its_isolation():
    IntegrityCheck.objects.create(kind="audit", ok=True, summary="before")
    with reads_in_one_snapshot():
        assert IntegrityCheck.objects.count() == 1
