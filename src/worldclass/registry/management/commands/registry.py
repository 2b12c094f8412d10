"""`worldclass registry --year YYYY [--json|--csv] [--preview]`: the public registry of a year, from the same query
as its web page and downloads."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from worldclass.certification.domain.program import validate_program_year
from worldclass.core.errors import AppError
from worldclass.core.exports import csv_lines
from worldclass.registry.queries import registry_year


class Command(BaseCommand):
    help = "The year's certified sites and organizations, and how many CSRs and supervisors were certified."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True)
        parser.add_argument(
            "--preview", action="store_true", help="The year's latest run, published or not (what publishing shows)."
        )
        formats = parser.add_mutually_exclusive_group()
        formats.add_argument("--json", action="store_true", help="One JSON object, as /registry/YYYY.json.")
        formats.add_argument("--csv", action="store_true", help="The CSV of /registry/YYYY.csv.")

    def handle(self, *args, **options):
        try:
            year = validate_program_year(options["year"], field_name="--year")
        except AppError as error:
            raise CommandError(str(error)) from error
        registry = registry_year(year=year, preview=options["preview"])
        if not registry.has_content:
            raise CommandError(
                f"There is no registry for {year}: no published run"
                + (" and nothing published before the platform." if not options["preview"] else ".")
            )
        if options["json"]:
            self.stdout.write(json.dumps(registry.as_dict(), ensure_ascii=False, indent=2))
        elif options["csv"]:
            # Exactly the download (formula-safe, through the export module), without Excel's byte order mark.
            self.stdout.write("".join(csv_lines(registry.csv_table(), byte_order_mark=False)), ending="")
        else:
            self._write_text(registry)

    def _write_text(self, registry) -> None:
        counts = registry.counts
        if registry.run_id:
            state = "published" if registry.published else "NOT published (preview)"
            self.stdout.write(
                f"World Class registry {registry.year}: {registry.edition}, as of {registry.through}, "
                f"run {registry.run_id}, {state}"
            )
            self.stdout.write(f"Organizations certified: {counts.organizations}")
            for entry in registry.entries:
                if entry.level == "organization":
                    self.stdout.write(f"  {entry.label} since {entry.certified_since}")
            self.stdout.write(f"Contact centers certified: {counts.sites}")
            for entry in registry.entries:
                if entry.level == "site":
                    self.stdout.write(
                        f"  {entry.label}, {entry.organization} ({entry.country or '-'}) since {entry.certified_since}"
                    )
            unnamed = counts.unlisted_sites + counts.unlisted_organizations
            if unnamed:
                self.stdout.write(f"  ({unnamed} more certified, not named at their request)")
            self.stdout.write(f"CSRs certified: {counts.csrs}")
            self.stdout.write(f"Supervisors certified: {counts.supervisors}")
        else:
            self.stdout.write(f"World Class registry {registry.year}: nothing certified on this platform published")
        historical = registry.historical
        if historical.entries or historical.statements:
            self.stdout.write(f"Historical ({historical.source}):")
            for entry in [*historical.statements, *historical.entries]:
                self.stdout.write(f"  {entry.name}")
