from django.core.management.base import BaseCommand, CommandError

from worldclass.core.errors import AppError
from worldclass.core.months import Month
from worldclass.directory.queries import get_organization_by_code
from worldclass.operations.domain.sampling import audit_sample


class Command(BaseCommand):
    help = "Replay every sampling decision of a month from the revealed key and the call log; exit 1 on discrepancy."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="Organization code.")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--key", help="The published key (hex), to verify with a key obtained elsewhere.")

    def handle(self, *args, org: str, month: str, key: str | None, **options):
        try:
            parsed = Month.parse(month)
        except ValueError as error:
            raise CommandError(str(error)) from error
        organization = get_organization_by_code(code=org)
        if organization is None:
            raise CommandError(f"No organization {org}")
        try:
            report = audit_sample(organization=organization, month=parsed, key_hex=key)
        except (AppError, ValueError) as error:
            raise CommandError(str(error)) from error
        summary = (
            f"{org} {parsed}: {report.calls_checked} call(s) replayed, {report.selected} selected, "
            f"{report.invited} invited"
        )
        if report.passed:
            self.stdout.write(f"{summary}; every decision matches the rule.")
            return
        for line in report.discrepancies:
            self.stderr.write(line)
        raise CommandError(f"{summary}; {len(report.discrepancies)} discrepancy(ies).")
