from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from worldclass.core.errors import AppError
from worldclass.operations.domain.calls import import_calls_file, load_calls_mapping


class Command(BaseCommand):
    help = "Import a file of call records, CSV or xlsx (all or nothing), and decide the sample for every new call."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", type=Path, help="A TOML mapping for a client's own export format.")

    def handle(self, *args, file: Path, mapping: Path | None = None, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        try:
            report = import_calls_file(
                path=file, actor="import-calls", mapping=load_calls_mapping(mapping) if mapping else None
            )
        except AppError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{file.name}: {report.rows_total} row(s), {report.rows_created} new, "
            f"{report.rows_unchanged} unchanged, {report.invited} invited"
        )
