"""Migration 0011: on PostgreSQL, survey ids compare byte by byte (`COLLATE "C"`), whatever the database's locale."""

import importlib

import pytest
from django.apps import apps
from django.db import connection, transaction

from worldclass.surveys.tests.migrations import TABLE, SchemaEditor, as_owner  # noqa: F401 (as_owner is a fixture)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite compares text byte by byte already (BINARY)"
)
migration = importlib.import_module("worldclass.surveys.migrations.0011_survey_id_compared_bytewise")


def survey_id_collation() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns WHERE table_name = %s AND column_name = 'survey_id'",
            [TABLE],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_survey_ids_compare_byte_by_byte():
    assert survey_id_collation() == "C"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("as_owner")
def test_the_migration_goes_back_to_the_database_locale_and_forward_again():
    with transaction.atomic():
        migration.compare_by_the_database_locale(apps, SchemaEditor())
    back = survey_id_collation()
    with transaction.atomic():
        migration.compare_bytewise(apps, SchemaEditor())

    assert (back, survey_id_collation()) == (None, "C")
