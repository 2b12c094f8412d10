from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from worldclass.core.errors import AppError
from worldclass.operations.domain.calls import import_calls_file


class Command(BaseCommand):
    help = "Import a CSV file of call records (all or nothing) and decide the sample for every new call."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        try:
            report = import_calls_file(path=file, actor="import-calls")
        except AppError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{file.name}: {report.rows_total} row(s), {report.rows_created} new, "
            f"{report.rows_unchanged} unchanged, {report.invited} invited"
        )
