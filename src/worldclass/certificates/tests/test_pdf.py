import base64
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from worldclass.certificates.pdf import render_certificate_pdf, subject_label, verify_certificate_pdf
from worldclass.certificates.signing import canonical_bytes, load_signing_key, sign_facts

FACTS = {
    "format": "worldclass-certificate/1",
    "serial": "WC2015-7K3M-9QXR-2HDP",
    "issued_at": "2026-01-05T10:00:00Z",
    "verify_url": "http://127.0.0.1:8000/verify/WC2015-7K3M-9QXR-2HDP",
    "level": "csr",
    "subject": "Casey CSR",
    "subject_code": "C1",
    "organization": "Acme Insurance",
    "site": "Toronto",
    "edition": {"year": 2015, "name": "2015 World Class FCR Certification", "metric": "fcr"},
    "qualifying_window": {"start": "2015-01", "end": "2015-03"},
    "certified_since": "2015-03",
    "valid_through": "2016-02",
    "surveys": 40,
    "meeting": 34,
    "rate_percent": "85.0",
}


def signed_pdf(facts=FACTS) -> bytes:
    signature, key_id = sign_facts(facts)
    return render_certificate_pdf(facts=facts, signature=signature, key_id=key_id)


def embedded_facts(pdf: bytes) -> bytes:
    return re.search(rb";facts=([A-Za-z0-9+/=]+)", pdf).group(1)


def with_facts_byte_changed(pdf: bytes, index: int, new_byte: int) -> bytes:
    """The same PDF with one byte of its embedded facts replaced (same length, so the PDF stays well formed)."""
    encoded = embedded_facts(pdf)
    facts = bytearray(base64.b64decode(encoded))
    facts[index] = new_byte
    tampered = base64.b64encode(bytes(facts))
    assert len(tampered) == len(encoded)
    return pdf.replace(encoded, tampered)


def public_key():
    return load_signing_key().public_key()


def test_certificate_pdf_verifies_with_the_certifiers_key():
    result = verify_certificate_pdf(data=signed_pdf(), public_key=public_key())
    assert (result.status, result.facts) == ("valid", FACTS)


def test_certificate_pdf_embeds_the_canonical_facts():
    assert base64.b64decode(embedded_facts(signed_pdf())) == canonical_bytes(FACTS)


def test_changing_the_survey_count_by_one_digit_is_detected_as_tampering():
    pdf = signed_pdf()
    facts = base64.b64decode(embedded_facts(pdf))
    index = facts.index(b'"surveys":40') + len(b'"surveys":')
    result = verify_certificate_pdf(data=with_facts_byte_changed(pdf, index, ord("9")), public_key=public_key())
    assert result.status == "tampered"


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_single_byte_change_in_the_facts_is_detected(data):
    pdf = signed_pdf()
    length = len(base64.b64decode(embedded_facts(pdf)))
    index = data.draw(st.integers(min_value=0, max_value=length - 1))
    original = base64.b64decode(embedded_facts(pdf))[index]
    new_byte = data.draw(st.integers(min_value=0, max_value=255).filter(lambda b: b != original))
    result = verify_certificate_pdf(data=with_facts_byte_changed(pdf, index, new_byte), public_key=public_key())
    assert result.status == "tampered"


def test_damaged_embedded_facts_are_tampered():
    pdf = signed_pdf()
    encoded = embedded_facts(pdf)
    result = verify_certificate_pdf(data=pdf.replace(encoded, b"A" + encoded[1:-1] + b"="), public_key=public_key())
    assert result.status == "tampered"


def test_certificate_signed_by_another_key_is_unknown_key():
    other = Ed25519PrivateKey.generate().public_key()
    assert verify_certificate_pdf(data=signed_pdf(), public_key=other).status == "unknown_key"


@pytest.mark.parametrize("data", [b"hello", b"%PDF-1.4\n%%EOF\n"])
def test_other_files_are_not_certificates(data):
    assert verify_certificate_pdf(data=data, public_key=public_key()).status == "not_a_certificate"


@pytest.mark.parametrize(
    ("changes", "printed"),
    [
        ({}, "Casey CSR (C1)"),
        ({"subject_code": "Casey CSR"}, "Casey CSR"),
        ({"level": "site", "subject": "Toronto", "subject_code": "tor"}, "Toronto"),
    ],
)
def test_a_person_is_printed_with_their_code_an_entity_by_name(changes, printed):
    assert subject_label({**FACTS, **changes}) == printed
