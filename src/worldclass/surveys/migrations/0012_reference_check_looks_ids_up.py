"""PostgreSQL's statement-level reference check looks each referenced id up in its parent's key (issue 11).

The check of migration 0008 locked a statement's referenced parents with `WHERE p.id = ANY(ids)`. Once PL/pgSQL
switched the statement to its generic plan, the parent was scanned whole and each of its rows compared with every id
of the array: a 10M-survey import in chunks of 100,000 rows spent 28% of the server's CPU comparing integers there
(`perf`), 13-16 s more than in chunks of 200,000, and the cost grows with the roster times the people of a chunk.
Joined to `unnest(ids)`, each id is one lookup in the parent's primary key whatever the plan (a hash join when the
planner sees many ids). The rows it locked are counted against the distinct ids, so one statement per reference both
locks and checks, as the rollups' check does (certification's migration 0007).
"""

import importlib

from django.db import migrations

one_pass = importlib.import_module("worldclass.surveys.migrations.0008_fewer_survey_indexes_one_pass_reference_check")


def _lookup_check() -> str:
    checks = " ".join(
        # Locked FOR KEY SHARE as a foreign key's check locks them: a concurrent delete of a parent waits for this
        # transaction, then its guard sees these surveys; a parent already deleted is not found here.
        f"PERFORM 1 FROM unnest({name}) AS r(id) JOIN {parent} p ON p.id = r.id FOR KEY SHARE OF p; "
        "GET DIAGNOSTICS locked = ROW_COUNT; "
        f"IF locked <> coalesce(cardinality({name}), 0) THEN "
        f"RAISE EXCEPTION '{one_pass.SURVEYS}.{column} refers to a missing {parent} row' "
        "USING ERRCODE = 'foreign_key_violation'; END IF;"
        for name, column, parent in one_pass.REFERENCES
    )
    return one_pass.check_function(checks=checks, variables="locked bigint;")


def install_lookup_check(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_lookup_check(), params=None)


def restore_any_check(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(one_pass._one_pass_check(), params=None)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0011_survey_id_compared_bytewise")]

    operations = [migrations.RunPython(install_lookup_check, restore_any_check)]
