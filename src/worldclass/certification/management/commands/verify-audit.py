"""worldclass verify-audit"""

from django.core.management.base import BaseCommand, CommandError

from worldclass.certification.domain.integrity import check_audit_chain


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain and name the first broken link; exits non-zero if any."

    def handle(self, *args, **options):
        result = check_audit_chain()
        if not result.ok:
            raise CommandError(result.summary)
        self.stdout.write(result.summary)
