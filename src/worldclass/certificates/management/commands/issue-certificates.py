"""worldclass issue-certificates [--run ID]: sign one certificate per certification (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from worldclass.certificates.domain import issue_certificates
from worldclass.certification.queries import get_certification_run
from worldclass.core.errors import AppError


class Command(BaseCommand):
    help = "Issue signed certificates for every certification (or one run's) that has none yet."

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, help="Only the certifications first found by this certification run.")

    def handle(self, *args, run=None, **options):
        certification_run = None
        if run is not None:
            certification_run = get_certification_run(pk=run)
            if certification_run is None:
                raise CommandError(f"No certification run {run}.")
        try:
            report = issue_certificates(run=certification_run, actor="issue-certificates")
        except AppError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Issued {report.issued} certificates; {report.already_issued} were already issued.")
