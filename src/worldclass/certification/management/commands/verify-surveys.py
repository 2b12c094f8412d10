"""worldclass verify-surveys"""

from django.core.management.base import BaseCommand, CommandError

from worldclass.certification.domain.integrity import check_surveys


class Command(BaseCommand):
    help = (
        "Recompute every stored survey's content_sha256 and the monthly rollups from the surveys, naming each "
        "mismatch; exits non-zero if any."
    )

    def handle(self, *args, **options):
        result = check_surveys()
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(result.summary)
        self.stdout.write(result.summary)
