"""The rollups' unique key in the writers' lock order: (level, entity, month, window) instead of (window, level,
entity, month) (issue 11).

Every writer on PostgreSQL writes rollup rows in one total order, level bytewise, entity, month, window, so that
two writers cannot deadlock (`certification.domain.rollups`). The key in that same order takes an import's rows as
appends at a few places instead of three interleaved streams, one per window: adding 670,000 rows to the unique
index, 1.70 s became 1.36 s. The dashboards' reads name the level and the entities, which the key serves as
before, and the API lists rollups in the key's new order; the certification's read of a whole window scans the table
either way, and so now do the rare reads by window alone (rebuilding a window's rollups, deleting a window).

On PostgreSQL the key is rebuilt under an exclusive lock on the rollups, during which nothing reads or writes them:
1.5 s for 1.46M rollup rows (measured), so about 7 s for the 6.7M rows of 10M surveys; migrate between imports.

SQLite keeps the key its table was created with: changing an inline constraint would rebuild the table (and drop its
triggers), and a key's column order makes no difference to one writer at a time.
"""

from django.db import migrations, models

ROLLUPS = "certification_monthlyrollup"


def _set_key(columns: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'ALTER TABLE "{ROLLUPS}" DROP CONSTRAINT "unique_rollup", '
                f'ADD CONSTRAINT "unique_rollup" UNIQUE ({columns})',
                params=None,
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("certification", "0007_rollup_references_checked_setwise")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="monthlyrollup", name="unique_rollup"),
                migrations.AddConstraint(
                    model_name="monthlyrollup",
                    constraint=models.UniqueConstraint(
                        fields=("level", "entity_id", "month", "window"), name="unique_rollup"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(
                    _set_key('"level", "entity_id", "month", "window_id"'),
                    _set_key('"window_id", "level", "entity_id", "month"'),
                )
            ],
        )
    ]
