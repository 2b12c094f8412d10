"""A big import writes fewer indexes and checks its references in one pass (issue 11).

- The index on import_batch_id goes: a batch's surveys are read once, while it is applied, by their id range.
- The index on (organization, call_month) goes: reads by organization use the unique key (organization, survey_id).
  Each index cost about 1.2 s per million imported rows.
- PostgreSQL's statement-level reference check read the statement's new rows five times, once per reference (6.5 s
  per million rows). It now reads them once, keeping the distinct references, and checks those. It also locks the
  referenced parents FOR KEY SHARE, so that a parent deleted by a concurrent transaction either waits for this one
  and is then refused by its delete guard, or is seen missing here: the check and the guard can no longer both pass.

A plain DROP INDEX for import_batch_id (the name Django gave it on both databases): on SQLite, altering the field
would rebuild the table and drop its triggers.
"""

import importlib

from django.db import migrations, models

SURVEYS = "surveys_surveyresponse"
BATCH_INDEX = "surveys_surveyresponse_import_batch_id_80d15be9"
# (array variable, column, parent table)
REFERENCES = [
    ("organizations", "organization_id", "directory_organization"),
    ("sites", "site_id", "directory_site"),
    ("supervisors", "supervisor_id", "directory_person"),
    ("csrs", "csr_id", "directory_person"),
    ("batches", "import_batch_id", "surveys_importbatch"),
]


def _one_pass_check() -> str:
    checks = " ".join(
        f"PERFORM 1 FROM {parent} p WHERE p.id = ANY({name}) FOR KEY SHARE; "
        f"IF EXISTS (SELECT 1 FROM unnest({name}) AS r(id) WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = r.id)) "
        f"THEN RAISE EXCEPTION '{SURVEYS}.{column} refers to a missing {parent} row' "
        "USING ERRCODE = 'foreign_key_violation'; END IF;"
        for name, column, parent in REFERENCES
    )
    return check_function(checks=checks)


def check_function(*, checks: str, variables: str = "") -> str:
    """The check's function: each reference's distinct ids gathered into an array variable, then `checks`, with
    `variables` declared beside the arrays. Migration 0012 builds its check with it too: an edit here changes both
    migrations' SQL (0008's is held byte for byte to what it was when first applied)."""
    declared = " ".join([*(f"{name} bigint[];" for name, _, _ in REFERENCES), *([variables] if variables else [])])
    aggregates = ", ".join(
        f"array_agg(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL)" for _, column, _ in REFERENCES
    )
    arrays = ", ".join(name for name, _, _ in REFERENCES)
    columns = ", ".join(column for _, column, _ in REFERENCES)
    return (
        "CREATE OR REPLACE FUNCTION surveys_check_references() RETURNS trigger AS $$ "
        f"DECLARE {declared} "
        # The distinct combinations first (thousands, for a million rows), then each reference's distinct ids.
        f"BEGIN SELECT {aggregates} INTO {arrays} "
        f"FROM (SELECT DISTINCT {columns} FROM inserted) AS refs; "
        f"{checks} RETURN NULL; END; $$ LANGUAGE plpgsql"
    )


def install_one_pass_check(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_one_pass_check(), params=None)


def restore_five_pass_check(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        earlier = importlib.import_module("worldclass.surveys.migrations.0005_survey_references_checked_setwise")
        function = next(s for s in earlier._postgresql_triggers() if "surveys_check_references()" in s)
        schema_editor.execute(function, params=None)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0007_saved_mappings_and_web_uploads")]

    operations = [
        migrations.RemoveIndex(model_name="surveyresponse", name="survey_org_month"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="surveyresponse",
                    name="import_batch",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="surveys.importbatch",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{BATCH_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{BATCH_INDEX}" ON "{SURVEYS}" ("import_batch_id")',
                ),
            ],
        ),
        migrations.RunPython(install_one_pass_check, restore_five_pass_check),
    ]
