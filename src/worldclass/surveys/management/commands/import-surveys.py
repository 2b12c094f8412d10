"""worldclass import-surveys FILE.csv|FILE.xlsx [--mapping FILE.toml] [--actor NAME]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from worldclass.core.errors import AppError
from worldclass.surveys.domain.importing import import_surveys_with_mapping_file


class Command(BaseCommand):
    help = "Load a survey-results CSV or xlsx file, all or nothing (docs/import-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The survey-results file: CSV, or xlsx (header row).")
        parser.add_argument("--mapping", type=Path, help="A TOML mapping for a client's own export format.")
        parser.add_argument("--actor", default="cli", help="Who is importing, for the audit trail.")

    def handle(self, *args, file: Path, mapping: Path | None, actor: str, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        if mapping is not None and not mapping.is_file():
            raise CommandError(f"{mapping}: no such file")
        try:
            report = import_surveys_with_mapping_file(
                path=file,
                mapping_file=(mapping.name, mapping.read_bytes()) if mapping else None,
                actor=actor or "cli",
            )
        except AppError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
        for line in report.eligibility_lines():
            self.stdout.write(line)
