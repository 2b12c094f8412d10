"""Drop single-column indexes that a composite index already covers (organization, site, CSR).

Every index is written for each inserted survey, so fewer indexes make big imports faster. On SQLite, altering a
field rebuilds the table and so drops its append-only trigger: it is installed again.
"""

import django.db.models.deletion
from django.db import migrations, models


def reinstall_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'CREATE TRIGGER IF NOT EXISTS "surveys_surveyresponse_append_only" BEFORE UPDATE ON '
            '"surveys_surveyresponse" BEGIN SELECT RAISE(ABORT, '
            "'append-only table surveys_surveyresponse: UPDATE refused'); END"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("surveys", "0002_append_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="surveyresponse",
            name="csr",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="survey_responses",
                to="directory.person",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="organization",
            field=models.ForeignKey(
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
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="survey_responses",
                to="directory.site",
            ),
        ),
        migrations.RunPython(reinstall_sqlite_trigger, migrations.RunPython.noop),
    ]
