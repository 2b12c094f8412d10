from django.core.management.base import BaseCommand
from django.utils import timezone

from worldclass.operations.domain.calls import purge_contacts


class Command(BaseCommand):
    help = "Delete customers' contact details once each call's survey window and grace period are over."

    def handle(self, *args, **options):
        purged = purge_contacts(now=timezone.now(), actor="purge-contacts")
        self.stdout.write(f"Contact details deleted for {purged} call(s).")
