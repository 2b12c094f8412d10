"""`worldclass send-award-reminders`: e-mail the reminders due 7 days and 1 day before each awards deadline."""

from django.core.management.base import BaseCommand, CommandError

from worldclass.awards.domain.reminders import send_award_reminders
from worldclass.core.errors import AppError


class Command(BaseCommand):
    help = "Send the awards deadline reminders that are due (idempotent: a reminder is never sent twice)."

    def handle(self, *args, **options):
        try:
            sent = send_award_reminders()
        except AppError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sent {sent} reminder(s).")
