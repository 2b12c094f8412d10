import base64
import re
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from worldclass.certificates.pdf import render_certificate_pdf
from worldclass.certificates.signing import load_signing_key, public_key_pem
from worldclass.certificates.tests.factories import CertificationFactory, certified_with_certificate

pytestmark = pytest.mark.django_db


def certificate_file(tmp_path, certificate):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(
        render_certificate_pdf(facts=certificate.facts, signature=certificate.signature, key_id=certificate.key_id)
    )
    return path


def test_issue_certificates_reports_counts(unscoped):
    CertificationFactory.create_batch(2)
    out = StringIO()
    call_command("issue-certificates", stdout=out)
    call_command("issue-certificates", stdout=out)
    assert out.getvalue().splitlines() == [
        "Issued 2 certificates; 0 were already issued.",
        "Issued 0 certificates; 2 were already issued.",
    ]


def test_issue_certificates_for_an_unknown_run_fails():
    with pytest.raises(CommandError, match="No certification run 999"):
        call_command("issue-certificates", "--run", "999")


def test_verify_certificate_reports_valid(unscoped, tmp_path):
    certificate = certified_with_certificate()
    out = StringIO()
    call_command("verify-certificate", str(certificate_file(tmp_path, certificate)), stdout=out)
    assert out.getvalue().splitlines()[0].startswith(f"VALID: certificate {certificate.serial}")


def test_verify_certificate_with_the_published_public_key(unscoped, tmp_path):
    certificate = certified_with_certificate()
    key_file = tmp_path / "public.pem"
    key_file.write_bytes(public_key_pem())
    out = StringIO()
    call_command(
        "verify-certificate", str(certificate_file(tmp_path, certificate)), "--public-key", str(key_file), stdout=out
    )
    assert out.getvalue().startswith("VALID")


def test_verify_certificate_reports_one_changed_byte_as_tampered(unscoped, tmp_path):
    certificate = certified_with_certificate()
    path = certificate_file(tmp_path, certificate)
    pdf = path.read_bytes()
    encoded = re.search(rb";facts=([A-Za-z0-9+/=]+)", pdf).group(1)
    facts = base64.b64decode(encoded).replace(b'"meeting":34', b'"meeting":39')
    path.write_bytes(pdf.replace(encoded, base64.b64encode(facts)))
    with pytest.raises(CommandError, match=r"^TAMPERED"):
        call_command("verify-certificate", str(path))


def test_verify_certificate_reports_an_unknown_key(unscoped, tmp_path):
    certificate = certified_with_certificate()
    key_file = tmp_path / "other.pem"
    key_file.write_bytes(public_key_pem(Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(CommandError, match=rf"^UNKNOWN KEY: the certificate was signed with key {certificate.key_id}"):
        call_command("verify-certificate", str(certificate_file(tmp_path, certificate)), "--public-key", str(key_file))


def test_verify_certificate_rejects_a_file_that_is_not_a_certificate(tmp_path):
    load_signing_key()
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
    with pytest.raises(CommandError, match="not a worldclass certificate"):
        call_command("verify-certificate", str(path))


def test_verify_certificate_rejects_a_bad_public_key_file(tmp_path):
    key_file = tmp_path / "bad.pem"
    key_file.write_text("not a key")
    with pytest.raises(CommandError, match="The public key cannot be read"):
        call_command("verify-certificate", str(tmp_path / "x.pdf"), "--public-key", str(key_file))


def test_verify_certificate_without_a_local_key_asks_for_the_public_key(tmp_path, settings):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(CommandError, match="No local signing key"):
        call_command("verify-certificate", str(path))
    assert not settings.WORLDCLASS_SIGNING_KEY_FILE.exists()
