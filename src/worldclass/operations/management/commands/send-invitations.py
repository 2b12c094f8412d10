from django.core.management.base import BaseCommand
from django.utils import timezone

from worldclass.operations.domain.invitations import send_due_invitations


class Command(BaseCommand):
    help = "Send the web survey invitations (e-mail or SMS) that have opened; run it every minute or two."

    def handle(self, *args, **options):
        sent = send_due_invitations(now=timezone.now())
        self.stdout.write(f"{sent} invitation(s) sent.")
