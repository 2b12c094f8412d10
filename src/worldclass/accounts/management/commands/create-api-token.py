"""worldclass create-api-token USERNAME [--days N]"""

from django.core.management.base import BaseCommand, CommandError

from worldclass.accounts.domain import issue_api_token
from worldclass.accounts.models import User


class Command(BaseCommand):
    help = "Issue an API token to a user and print it (only its digest is stored: it cannot be shown again)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, help="Days until it expires (default: WORLDCLASS_API_TOKEN_DAYS).")
        parser.add_argument("--actor", default="cli", help="Who is issuing it, for the audit trail.")

    def handle(self, *args, username: str, days: int | None, actor: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        instance, token = issue_api_token(user=user, actor=actor, days=days)
        self.stdout.write(f"{token}\n")
        self.stderr.write(f"Expires {instance.expiry:%Y-%m-%d %H:%M} UTC. Send it as: Authorization: Token <token>")
