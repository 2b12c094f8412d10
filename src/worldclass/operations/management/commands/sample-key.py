from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.core.errors import AppError
from worldclass.core.months import Month
from worldclass.directory.queries import get_organization_by_code
from worldclass.operations.domain.sampling import commit_sample_key, reveal_sample_key


class Command(BaseCommand):
    help = "Commit a month's sampling key (publish its SHA-256) before the month, or reveal it after it closes."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["commit", "reveal"])
        parser.add_argument("--org", required=True)
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, action: str, org: str, month: str, **options):
        with scopes_disabled():
            organization = get_organization_by_code(code=org)
            if organization is None:
                raise CommandError(f"No organization {org}")
            try:
                parsed = Month.parse(month)
                act = commit_sample_key if action == "commit" else reveal_sample_key
                key = act(organization=organization, month=parsed, actor="sample-key", now=timezone.now())
            except (AppError, ValueError) as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"{org} {parsed}: commitment sha256 {key.commitment_sha256}")
        if key.revealed_at:
            self.stdout.write(f"key {key.key_hex}")
