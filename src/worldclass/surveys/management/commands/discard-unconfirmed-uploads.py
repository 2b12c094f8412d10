"""worldclass discard-unconfirmed-uploads [--days N]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from worldclass.surveys.domain.uploads import UNCONFIRMED_UPLOAD_DAYS, discard_unconfirmed_survey_uploads


class Command(BaseCommand):
    help = "Discard the web uploads left awaiting confirmation for more than N days, deleting their files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=UNCONFIRMED_UPLOAD_DAYS,
            help=f"How long an upload may wait (default {UNCONFIRMED_UPLOAD_DAYS} days).",
        )

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        discarded = discard_unconfirmed_survey_uploads(
            older_than=dt.timedelta(days=days), actor="discard-unconfirmed-uploads"
        )
        self.stdout.write(f"Discarded {discarded} upload(s) left unconfirmed for more than {days} day(s).")
