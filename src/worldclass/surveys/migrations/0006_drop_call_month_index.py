"""Drop the index on call_month alone: every read by month also names an organization, site, supervisor or CSR,
which the composite indexes serve, and each index is written for every imported survey.

A plain DROP INDEX (the name Django gave it on both databases): on SQLite, altering the field would rebuild the
table and drop its triggers.
"""

from django.db import migrations, models

INDEX = "surveys_surveyresponse_call_month_946e0347"


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_survey_references_checked_setwise")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="surveyresponse",
                    name="call_month",
                    field=models.DateField(help_text="First day of the month of the call's local date."),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "surveys_surveyresponse" ("call_month")',
                ),
            ],
        ),
    ]
