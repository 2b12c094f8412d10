"""Survey ids are compared byte by byte on PostgreSQL (`COLLATE "C"`), whatever the database's locale (issue 11).

A survey id is an opaque identifier from the client's survey system, often a UUID, so its unique key per
organization is written in random order. Each insert then compares the new id with about twenty others, and under
a linguistic collation (the `en_US.UTF-8` a `CREATE DATABASE` inherits on many servers, or ICU) each comparison is a
collation-aware one: a million random UUIDs into the unique key alone took 8.1-10.1 s under ICU's en-US against
5.1-6.1 s under "C" (docs/performance.md). Byte order is also the only order an identifier has.

Changing only the collation rewrites no row: PostgreSQL rebuilds the indexes on the column (the unique key), holding
the table's lock meanwhile (seconds for a million surveys).

The model does not declare the collation: Django would emit `COLLATE "C"` on SQLite too, which has no such collation
(its default, BINARY, already compares bytes). So this is PostgreSQL's only; the import's staging table declares the
same collation for its survey ids, so that they compare with the table's.
"""

from django.db import migrations

ALTER = 'ALTER TABLE surveys_surveyresponse ALTER COLUMN survey_id TYPE varchar(64) COLLATE "{collation}"'


def compare_bytewise(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALTER.format(collation="C"))


def compare_by_the_database_locale(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALTER.format(collation="default"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0010_comment_indexes")]

    operations = [migrations.RunPython(compare_bytewise, compare_by_the_database_locale)]
