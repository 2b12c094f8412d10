"""Rollup references checked per statement, set-wise, instead of per row at COMMIT; two unused indexes dropped.

Adding a 1M-survey import to the rollups wrote ~670k rollup rows, and their two deferred foreign keys (window,
organization) were checked row by row at COMMIT: 1.34M lookups, ~8 s. The fields keep their foreign keys in
Django (PROTECT, CASCADE) without database constraints, and triggers keep the guarantee that a rollup never
points at a missing survey window or organization:

- PostgreSQL: after each INSERT statement, the statement's distinct window and organization ids (a transition
  table) are locked FOR KEY SHARE in their parent tables, as a foreign key's check locks them, and the whole
  statement is refused if one is missing; changing a rollup's references is checked row by row (nothing does
  it); deleting a window or an organization that rollups refer to, or changing a window's id, is refused by
  triggers on the parents (the ORM cascades a window's rollups, or refuses, first).
- SQLite (the embedded default): row triggers refuse a rollup with a missing reference, as the foreign keys did;
  the ORM refuses or cascades deletes of the parents (Django's test flush empties SQLite tables with DELETE).

Indexes: `window_id` alone and `rollup_window_month` (window, month) are dropped: every read by window is served
by the unique key (window, level, entity, month), which starts with it (EXPLAIN on the 1M database). The
organization index stays: organization users' API reads and the parent trigger use it.
"""

import django.db.models.deletion
from django.db import migrations, models

ROLLUPS = "certification_monthlyrollup"
REFERENCES = [("window_id", "certification_surveywindow"), ("organization_id", "directory_organization")]
MISSING = "a monthly rollup refers to a missing survey window or organization"


def _postgresql_triggers() -> list[str]:
    # One pass over the statement's rows keeps the distinct (window, organization) pairs (a few); each parent they
    # name is then locked FOR KEY SHARE, as a foreign key's check does: a concurrent delete of it waits for this
    # transaction and then its own trigger sees these rollups and refuses; a parent already deleted is not found.
    missing_in_statement = (
        "SELECT array_agg(DISTINCT window_id), array_agg(DISTINCT organization_id) INTO windows, organizations "
        "FROM (SELECT DISTINCT window_id, organization_id FROM inserted) r; "
        + " ".join(
            f"PERFORM 1 FROM {parent} p WHERE p.id = ANY({name}) FOR KEY SHARE; "
            "GET DIAGNOSTICS locked = ROW_COUNT; "
            f"IF locked <> coalesce(cardinality({name}), 0) THEN "
            f"RAISE EXCEPTION '{MISSING}' USING ERRCODE = 'foreign_key_violation'; END IF;"
            for name, parent in (("windows", "certification_surveywindow"), ("organizations", "directory_organization"))
        )
    )
    missing_in_row = " ".join(
        f"PERFORM 1 FROM {parent} p WHERE p.id = NEW.{column} FOR KEY SHARE; IF NOT FOUND THEN "
        f"RAISE EXCEPTION '{MISSING}' USING ERRCODE = 'foreign_key_violation'; END IF;"
        for column, parent in REFERENCES
    )
    statements = [
        f"CREATE OR REPLACE FUNCTION {ROLLUPS}_check_references() RETURNS trigger AS $$ "
        "DECLARE windows bigint[]; organizations bigint[]; locked bigint; "
        f"BEGIN {missing_in_statement} RETURN NULL; END; $$ LANGUAGE plpgsql",
        f'CREATE TRIGGER "{ROLLUPS}_references" AFTER INSERT ON "{ROLLUPS}" REFERENCING NEW TABLE AS inserted '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {ROLLUPS}_check_references()",
        f"CREATE OR REPLACE FUNCTION {ROLLUPS}_check_changed_references() RETURNS trigger AS $$ "
        f"BEGIN {missing_in_row} RETURN NEW; END; $$ LANGUAGE plpgsql",
        f'CREATE TRIGGER "{ROLLUPS}_changed_references" BEFORE UPDATE OF window_id, organization_id ON "{ROLLUPS}" '
        "FOR EACH ROW WHEN (OLD.window_id IS DISTINCT FROM NEW.window_id "
        "OR OLD.organization_id IS DISTINCT FROM NEW.organization_id) "
        f"EXECUTE FUNCTION {ROLLUPS}_check_changed_references()",
    ]
    for column, parent in REFERENCES:
        statements += [
            f"CREATE OR REPLACE FUNCTION {parent}_keep_rolled_up() RETURNS trigger AS $$ "
            f"BEGIN IF EXISTS (SELECT 1 FROM removed r JOIN {ROLLUPS} m ON m.{column} = r.id) THEN "
            f"RAISE EXCEPTION '{parent} rows referenced by monthly rollups cannot be deleted' "
            "USING ERRCODE = 'foreign_key_violation'; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
            f'CREATE TRIGGER "{parent}_keep_rolled_up" AFTER DELETE ON "{parent}" REFERENCING OLD TABLE AS removed '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {parent}_keep_rolled_up()",
        ]
    # The organizations' ids are kept by surveys' migration 0005 already; a window's id likewise, with its function.
    statements.append(
        'CREATE TRIGGER "certification_surveywindow_keep_id" BEFORE UPDATE OF id ON "certification_surveywindow" '
        "FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION worldclass_refuse_id_change()"
    )
    return statements


def _sqlite_triggers() -> list[str]:
    missing = " OR ".join(
        f"NOT EXISTS (SELECT 1 FROM {parent} WHERE id = NEW.{column})" for column, parent in REFERENCES
    )
    return [
        f'CREATE TRIGGER "{ROLLUPS}_references" BEFORE INSERT ON "{ROLLUPS}" WHEN {missing} '
        f"BEGIN SELECT RAISE(ABORT, '{MISSING}'); END",
        f'CREATE TRIGGER "{ROLLUPS}_changed_references" BEFORE UPDATE OF window_id, organization_id ON "{ROLLUPS}" '
        f"WHEN {missing} BEGIN SELECT RAISE(ABORT, '{MISSING}'); END",
    ]


def install_reference_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgresql_triggers, "sqlite": _sqlite_triggers}.get(vendor, list)()
    for statement in statements:
        schema_editor.execute(statement, params=None)


def remove_reference_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name in ("references", "changed_references"):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{ROLLUPS}_{name}" ON "{ROLLUPS}"')
        for _column, parent in REFERENCES:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{parent}_keep_rolled_up" ON "{parent}"')
        schema_editor.execute('DROP TRIGGER IF EXISTS "certification_surveywindow_keep_id" ON "certification_surveywindow"')
    elif vendor == "sqlite":
        for name in ("references", "changed_references"):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{ROLLUPS}_{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0006_edition_french_names"),
        ("directory", "0001_initial"),
        # worldclass_refuse_id_change(), and the organizations' id guard.
        ("surveys", "0005_survey_references_checked_setwise"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="monthlyrollup",
            name="rollup_window_month",
        ),
        migrations.AlterField(
            model_name="monthlyrollup",
            name="organization",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.organization",
            ),
        ),
        migrations.AlterField(
            model_name="monthlyrollup",
            name="window",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="certification.surveywindow",
            ),
        ),
        migrations.RunPython(install_reference_triggers, remove_reference_triggers),
    ]
