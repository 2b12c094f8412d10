"""Django's migrate, connected as the owner role when DATABASE_MIGRATE_URL is set (worldclass.core.dbroles)."""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from worldclass.core.dbroles import connected_as_owner, grant_app_role


class Command(DjangoMigrateCommand):
    def handle(self, *args, **options):
        with connected_as_owner(options["database"]) as as_owner:
            super().handle(*args, **options)
            if as_owner:
                grant_app_role(options["database"])
