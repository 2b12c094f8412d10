"""Django's flush (TRUNCATE), connected as the owner role when DATABASE_MIGRATE_URL is set: the app role cannot."""

from django.core.management.commands.flush import Command as DjangoFlushCommand

from worldclass.core.dbroles import connected_as_owner


class Command(DjangoFlushCommand):
    def handle(self, *args, **options):
        with connected_as_owner(options["database"]):
            super().handle(*args, **options)
