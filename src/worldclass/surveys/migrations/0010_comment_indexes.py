"""Surveys are indexed by CSR, supervisor and site only where they have a comment (issue 11).

Those reads are the comment pages' and panels' (`surveys.queries.customer_comments`), newest first; every number on
a dashboard comes from the rollups. The full indexes on (csr, call_month), (site, call_month) and (supervisor) were
written on every imported row; the partial ones on (csr, call_at), (supervisor, call_at) and (site, call_at) hold
the surveys with a comment only. Measured on 500,000 rows (docs/performance.md): the three full indexes cost the
insert 1.9-2.3 s of server CPU in the file's order and 2.8-4.0 s in call order; the partial ones 0.2-0.9 s and
0.8-1.1 s.

A parent's delete guard (migration 0005) now finds a survey of a person or site by scanning the table, as the import
batch's guard always did: nothing in the application deletes a surveyed parent.

A plain DROP INDEX for the supervisor's index (the name Django gave it on both databases), as in migration 0008:
on SQLite, altering the field would rebuild the table and drop its triggers.
"""

from django.db import migrations, models

SURVEYS = "surveys_surveyresponse"
SUPERVISOR_INDEX = "surveys_surveyresponse_supervisor_id_08970521"


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("surveys", "0009_delay_in_elapsed_time"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="surveyresponse", name="survey_csr_month"),
        migrations.RemoveIndex(model_name="surveyresponse", name="survey_site_month"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="surveyresponse",
                    name="supervisor",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="directory.person",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{SUPERVISOR_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{SUPERVISOR_INDEX}" ON "{SURVEYS}" ("supervisor_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="surveyresponse",
            index=models.Index(condition=~models.Q(comment=""), fields=["csr", "call_at"], name="survey_csr_comments"),
        ),
        migrations.AddIndex(
            model_name="surveyresponse",
            index=models.Index(
                condition=~models.Q(comment=""), fields=["supervisor", "call_at"], name="survey_supervisor_comments"
            ),
        ),
        migrations.AddIndex(
            model_name="surveyresponse",
            index=models.Index(
                condition=~models.Q(comment=""), fields=["site", "call_at"], name="survey_site_comments"
            ),
        ),
    ]
