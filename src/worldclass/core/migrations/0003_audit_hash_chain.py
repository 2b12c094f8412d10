import django.utils.timezone
from django.db import migrations, models

from worldclass.core.append_only import append_only_triggers

_TRIGGER = append_only_triggers("core_auditevent")


def chain_existing_events(apps, schema_editor):
    """Link the events recorded before the chain existed, in the order they were written."""
    from worldclass.core.domain import GENESIS_HASH, audit_event_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    previous = GENESIS_HASH
    for sequence, event in enumerate(AuditEvent.objects.order_by("id").iterator(chunk_size=2000), start=1):
        event.sequence, event.prev_hash = sequence, previous
        event.hash = audit_event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            sequence=event.sequence, prev_hash=event.prev_hash, hash=event.hash
        )
        previous = event.hash


class Migration(migrations.Migration):
    dependencies = [("core", "0002_append_only")]

    # The append-only trigger refuses the one-time update that fills the new columns: it is lifted first and
    # installed again last (SQLite rebuilds the table on these changes, which drops its triggers anyway).
    operations = [
        migrations.RunPython(_TRIGGER.reverse_code, _TRIGGER.code),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True, help_text="Position in the chain, from 1."),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                default="", help_text="SHA-256 of the previous event (zeros for the first).", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(
                default="", help_text="SHA-256 of this event's canonical content and prev_hash.", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(help_text="Position in the chain, from 1.", unique=True),
        ),
        _TRIGGER,
        migrations.CreateModel(
            name="IntegrityCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("audit", "Audit chain"), ("surveys", "Survey answers and rollups")], max_length=16
                    ),
                ),
                ("ran_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("ok", models.BooleanField()),
                ("checked", models.PositiveBigIntegerField(default=0, help_text="Rows checked.")),
                ("summary", models.TextField()),
                (
                    "problems",
                    models.JSONField(blank=True, default=list, help_text="The first discrepancies found."),
                ),
            ],
            options={
                "ordering": ["-ran_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["audit", "surveys"])), name="integrity_kind_known"
                    )
                ],
            },
        ),
    ]
