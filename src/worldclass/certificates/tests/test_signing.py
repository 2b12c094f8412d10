import stat

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from worldclass.certificates.signing import (
    SignatureCheck,
    canonical_bytes,
    check_signature,
    key_id_for,
    load_public_key,
    load_signing_key,
    public_key_pem,
    sign_facts,
)


def test_signing_key_is_created_on_first_use_readable_only_by_owner(settings):
    load_signing_key()
    assert stat.S_IMODE(settings.WORLDCLASS_SIGNING_KEY_FILE.stat().st_mode) == 0o600


def test_signing_key_is_kept_across_loads():
    assert key_id_for(load_signing_key().public_key()) == key_id_for(load_signing_key().public_key())


def test_published_public_key_reads_back_to_the_same_key_id():
    key = load_signing_key().public_key()
    assert key_id_for(load_public_key(public_key_pem(key))) == key_id_for(key)


def test_canonical_bytes_ignore_key_order():
    assert canonical_bytes({"b": 1, "a": "é"}) == canonical_bytes({"a": "é", "b": 1}) == '{"a":"é","b":1}'.encode()


def test_signature_checks_valid_with_the_signing_key():
    facts = {"serial": "WC2015-AAAA-BBBB-CCCC"}
    signature, key_id = sign_facts(facts)
    check = check_signature(
        signed=canonical_bytes(facts),
        signature_b64=signature,
        key_id=key_id,
        public_key=load_signing_key().public_key(),
    )
    assert check == SignatureCheck.VALID


def test_signature_over_other_facts_is_tampered():
    signature, key_id = sign_facts({"surveys": 40})
    check = check_signature(
        signed=canonical_bytes({"surveys": 41}),
        signature_b64=signature,
        key_id=key_id,
        public_key=load_signing_key().public_key(),
    )
    assert check == SignatureCheck.TAMPERED


def test_another_public_key_is_unknown():
    facts = {"surveys": 40}
    signature, key_id = sign_facts(facts)
    other = Ed25519PrivateKey.generate().public_key()
    check = check_signature(signed=canonical_bytes(facts), signature_b64=signature, key_id=key_id, public_key=other)
    assert check == SignatureCheck.UNKNOWN_KEY
