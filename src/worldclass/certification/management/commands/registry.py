"""`worldclass registry --year YYYY [--json|--csv]`: the public registry's data for a year."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from worldclass.certification.queries import registry_for_year
from worldclass.core.errors import AppError
from worldclass.core.exports import Table, write_csv

CSV_COLUMNS = [
    "kind",
    "organization",
    "organization_name",
    "site",
    "site_name",
    "country",
    "certified_since",
    "valid_through",
]


class Command(BaseCommand):
    help = "The year's certified sites and organizations, and how many CSRs and supervisors were certified."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        formats = parser.add_mutually_exclusive_group()
        formats.add_argument("--json", action="store_true", help="One JSON object.")
        formats.add_argument("--csv", action="store_true", help="One CSV row per certified site and organization.")

    def handle(self, *args, **options):
        try:
            registry = registry_for_year(year=options["year"])
        except AppError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(registry.as_dict(), ensure_ascii=False))
        elif options["csv"]:
            rows = [
                [
                    "organization",
                    organization.code,
                    organization.name,
                    "",
                    "",
                    "",
                    organization.certified_since,
                    organization.valid_through,
                ]
                for organization in registry.organizations
            ] + [
                [
                    "site",
                    site.organization,
                    site.organization_name,
                    site.code,
                    site.name,
                    site.country,
                    site.certified_since,
                    site.valid_through,
                ]
                for site in registry.sites
            ]
            write_csv(Table(title=f"registry {registry.year}", columns=CSV_COLUMNS, rows=rows), self.stdout)
        else:
            self.stdout.write(
                f"World Class registry {registry.year} (edition {registry.edition}, as of {registry.through})"
            )
            self.stdout.write(
                f"Organizations certified: {len(registry.organizations) + registry.unlisted_organizations_certified}"
            )
            for organization in registry.organizations:
                self.stdout.write(f"  {organization.name} ({organization.code}) since {organization.certified_since}")
            self.stdout.write(f"Contact centers certified: {len(registry.sites) + registry.unlisted_sites_certified}")
            for site in registry.sites:
                self.stdout.write(
                    f"  {site.organization_name}: {site.name or site.code} ({site.country or '-'})"
                    f" since {site.certified_since}"
                )
            unnamed = registry.unlisted_sites_certified + registry.unlisted_organizations_certified
            if unnamed:
                self.stdout.write(f"  ({unnamed} more certified, not named at their request)")
            self.stdout.write(f"CSRs certified: {registry.csrs_certified}")
            self.stdout.write(f"Supervisors certified: {registry.supervisors_certified}")
