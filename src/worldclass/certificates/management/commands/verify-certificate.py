"""worldclass verify-certificate FILE.pdf [--public-key FILE]: check a certificate offline."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from worldclass.certificates.pdf import verify_certificate_pdf
from worldclass.certificates.signing import load_public_key, load_signing_key
from worldclass.core.errors import AppError


class Command(BaseCommand):
    help = (
        "Check a certificate PDF offline from its embedded facts and signature. Exit 0 when valid; 1 when tampered, "
        "signed with an unknown key, or not a worldclass certificate."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The certificate PDF.")
        parser.add_argument(
            "--public-key",
            type=Path,
            help="The certifier's published public key (PEM). Default: the public half of the local signing key.",
        )

    def handle(self, *args, file: Path, public_key: Path | None = None, **options):
        try:
            if public_key is not None:
                if not public_key.is_file():
                    raise CommandError(f"No public key file {public_key}.")
                key = load_public_key(public_key.read_bytes(), source=str(public_key))
            else:
                key_file = Path(settings.WORLDCLASS_SIGNING_KEY_FILE)
                if not key_file.is_file():  # never create a signing key just to verify
                    raise CommandError(f"No local signing key at {key_file}; pass --public-key FILE.")
                key = load_signing_key().public_key()
        except AppError as error:
            raise CommandError(str(error)) from error
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        result = verify_certificate_pdf(data=file.read_bytes(), public_key=key)
        if result.status != "valid":
            raise CommandError(result.message)
        facts = result.facts
        self.stdout.write(result.message)
        window = facts.get("qualifying_window")
        self.stdout.write(
            f"  {facts['edition']['name']}; {facts['organization']}"
            + (f", {facts['site']}" if facts.get("site") else "")
        )
        if window:
            self.stdout.write(f"  qualifying window {window['start']} to {window['end']}")
        if facts.get("surveys") is not None:
            self.stdout.write(f"  {facts['surveys']} surveys, {facts['rate_percent']}%")
        self.stdout.write(f"  certified since {facts['certified_since']}, valid through {facts['valid_through']}")
        self.stdout.write(f"  revocation is checked online: {facts['verify_url']}")
