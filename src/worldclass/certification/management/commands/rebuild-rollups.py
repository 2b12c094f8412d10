"""worldclass rebuild-rollups [--window CODE]"""

from django.core.management.base import BaseCommand, CommandError

from worldclass.certification.domain.rollups import rebuild_rollups
from worldclass.certification.models import SurveyWindow
from worldclass.core.domain import record_audit_event


class Command(BaseCommand):
    help = "Recompute the monthly rollups from the raw surveys, for one survey window or for all of them."

    def add_arguments(self, parser):
        parser.add_argument("--window", help="A survey window code (default: every window).")
        parser.add_argument("--actor", default="cli", help="Who is rebuilding, for the audit trail.")

    def handle(self, *args, window: str | None, actor: str, **options):
        selected = None
        if window:
            selected = SurveyWindow.objects.filter(code=window).first()
            if selected is None:
                known = ", ".join(SurveyWindow.objects.values_list("code", flat=True))
                raise CommandError(f"Unknown survey window {window!r} (known: {known})")
        rows = rebuild_rollups(window=selected)
        record_audit_event(
            actor=actor,
            action="certification.rebuild_rollups",
            object_type="certification.surveywindow",
            object_id=selected.pk if selected else "",
            summary=f"Rebuilt {rows:,} rollup rows for {selected.code if selected else 'every window'}",
            counts={"rollup_rows": rows},
        )
        self.stdout.write(f"Rebuilt {rows:,} monthly rollup rows for {selected.code if selected else 'every window'}.")
