"""Demo hook: sign a certificate for each of the demo's certifications and say where to check one."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django_scopes import scopes_disabled

from worldclass.certificates.domain import issue_certificates, verification_url
from worldclass.certificates.models import Certificate
from worldclass.certificates.queries import certificate_status
from worldclass.certificates.signing import key_id_for, load_signing_key
from worldclass.core.domain import public_base_url


def populate_demo(*, seed: int, stdout) -> None:
    """Issue the certificates (idempotent: a second demo run issues none) and print one verification URL."""
    report = issue_certificates(actor="demo")
    stdout.write(f"Certificates: issued {report.issued}, {report.already_issued} already issued.\n")
    # The demo reads across its organizations to pick a certificate to show: the first (by level, then certification
    # id, which is stable) that is valid today, so that the link shows what a live certificate looks like.
    with scopes_disabled():
        candidates = (
            Certificate.objects.filter(revoked_at__isnull=True)
            .select_related("certification")
            .order_by("certification__level", "-certification__valid_through_month", "certification_id")
        )
        example = next((c.serial for c in candidates.iterator() if certificate_status(c) == "valid"), None)
    if example:
        stdout.write(f"  verify one at {verification_url(example)}\n")
    base = public_base_url()
    key_id = key_id_for(load_signing_key().public_key())
    stdout.write(
        f"  public key {key_id}: {base}{reverse('certificates:public_key')} "
        f"(how to verify: {base}{reverse('certificates:how_to_verify')}); "
        f"private key file {settings.WORLDCLASS_SIGNING_KEY_FILE}\n"
    )
