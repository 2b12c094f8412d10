"""Survey references checked per INSERT statement, set-wise, instead of per row at COMMIT.

Django's foreign keys are checked row by row (deferred to COMMIT): five lookups per survey, most of a large
import's time. The surveys keep their foreign-key fields without database constraints, and triggers keep the
same guarantee, that a survey never points at a missing organization, site, person or import batch:

- PostgreSQL: after each INSERT statement, one anti-join per reference over the statement's new rows (a
  transition table) refuses the whole statement if any reference is missing; deleting a referenced parent, or
  changing its id, is refused by triggers on the parents (the ORM's PROTECT refuses it first).
- SQLite (the embedded default): a row trigger refuses a survey with a missing reference, as the foreign keys
  did; the ORM's PROTECT refuses deleting a referenced parent.

On SQLite, altering the fields rebuilds the table and so drops its append-only trigger: it is installed again.
"""

import django.db.models.deletion
from django.db import migrations, models

from worldclass.core.append_only import install_append_only_trigger, remove_append_only_trigger

SURVEYS = "surveys_surveyresponse"
# (column, parent table); import_batch_id may be null.
REFERENCES = [
    ("organization_id", "directory_organization"),
    ("site_id", "directory_site"),
    ("supervisor_id", "directory_person"),
    ("csr_id", "directory_person"),
    ("import_batch_id", "surveys_importbatch"),
]
PARENTS = {
    "directory_organization": ["organization_id"],
    "directory_site": ["site_id"],
    "directory_person": ["csr_id", "supervisor_id"],
    "surveys_importbatch": ["import_batch_id"],
}


def _postgresql_triggers() -> list[str]:
    missing = " ".join(
        f"IF EXISTS (SELECT 1 FROM inserted s WHERE s.{column} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {parent} p WHERE p.id = s.{column})) THEN "
        f"RAISE EXCEPTION '{SURVEYS}.{column} refers to a missing {parent} row' "
        "USING ERRCODE = 'foreign_key_violation'; END IF;"
        for column, parent in REFERENCES
    )
    statements = [
        "CREATE OR REPLACE FUNCTION worldclass_refuse_id_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION '%.id is referenced and cannot change', TG_TABLE_NAME "
        "USING ERRCODE = 'foreign_key_violation'; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION surveys_check_references() RETURNS trigger AS $$ "
        f"BEGIN {missing} RETURN NULL; END; $$ LANGUAGE plpgsql",
        f'CREATE TRIGGER "{SURVEYS}_references" AFTER INSERT ON "{SURVEYS}" REFERENCING NEW TABLE AS inserted '
        "FOR EACH STATEMENT EXECUTE FUNCTION surveys_check_references()",
    ]
    for parent, columns in PARENTS.items():
        referenced = " OR ".join(
            f"EXISTS (SELECT 1 FROM removed r JOIN {SURVEYS} s ON s.{column} = r.id)" for column in columns
        )
        statements += [
            f"CREATE OR REPLACE FUNCTION {parent}_keep_surveyed() RETURNS trigger AS $$ "
            f"BEGIN IF {referenced} THEN RAISE EXCEPTION '{parent} rows referenced by surveys cannot be deleted' "
            "USING ERRCODE = 'foreign_key_violation'; END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
            f'CREATE TRIGGER "{parent}_keep_surveyed" AFTER DELETE ON "{parent}" REFERENCING OLD TABLE AS removed '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {parent}_keep_surveyed()",
            f'CREATE TRIGGER "{parent}_keep_id" BEFORE UPDATE OF id ON "{parent}" FOR EACH ROW '
            "WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION worldclass_refuse_id_change()",
        ]
    return statements


def _sqlite_triggers() -> list[str]:
    missing = " OR ".join(
        f"(NEW.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent} WHERE id = NEW.{column}))"
        for column, parent in REFERENCES
    )
    return [
        f'CREATE TRIGGER "{SURVEYS}_references" BEFORE INSERT ON "{SURVEYS}" WHEN {missing} '
        "BEGIN SELECT RAISE(ABORT, 'a survey refers to a missing organization, site, person or import batch'); END"
    ]


def install_reference_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _postgresql_triggers():
            schema_editor.execute(statement, params=None)
    elif vendor == "sqlite":
        remove_append_only_trigger(schema_editor, SURVEYS)
        install_append_only_trigger(schema_editor, SURVEYS)
        for statement in _sqlite_triggers():
            schema_editor.execute(statement)


def remove_reference_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{SURVEYS}_references" ON "{SURVEYS}"')
        for parent in PARENTS:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{parent}_keep_surveyed" ON "{parent}"')
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{parent}_keep_id" ON "{parent}"')
    elif vendor == "sqlite":
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{SURVEYS}_references"')


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("surveys", "0004_business_days_rolled_forward"),
    ]

    operations = [
        migrations.AlterField(
            model_name="surveyresponse",
            name="csr",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="survey_responses",
                to="directory.person",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="import_batch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="surveys.importbatch",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="organization",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.organization",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="site",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="survey_responses",
                to="directory.site",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="supervisor",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.person",
            ),
        ),
        migrations.RunPython(install_reference_triggers, remove_reference_triggers),
    ]
