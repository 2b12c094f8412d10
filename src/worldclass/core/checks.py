"""System checks of the project's own settings (`worldclass check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from worldclass.core.domain import LOCAL_PUBLIC_URL


@checks.register(checks.Tags.security, deploy=True)
def check_public_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Certificates sign their verification URL: in production it must be the site's real address."""
    if settings.WORLDCLASS_PUBLIC_URL:
        return []
    return [
        checks.Warning(
            "WORLDCLASS_PUBLIC_URL is not set, so certificates, their QR codes, survey invitations and e-mails "
            f"link to {LOCAL_PUBLIC_URL}.",
            hint="Set WORLDCLASS_PUBLIC_URL to the site's public address, e.g. https://certify.example.",
            id="worldclass.W001",
        )
    ]
