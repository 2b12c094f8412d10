"""The certifier's Ed25519 key: creating it on first use, signing canonical facts, checking a signature.

The key file (`settings.WORLDCLASS_SIGNING_KEY_FILE`, PEM, PKCS#8) is created with mode 0600 when missing and is
never committed. The key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from enum import Enum
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from worldclass.core.errors import AppError, ErrorDetail

# The facts' format, named in the signed facts and in the PDF's metadata. Here, not beside the PDF: issuing and
# checking need no PDF library.
FORMAT = "worldclass-certificate/1"


def canonical_bytes(facts: dict) -> bytes:
    """The exact bytes that are signed: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _key_path() -> Path:
    return Path(settings.WORLDCLASS_SIGNING_KEY_FILE)


def load_signing_key() -> Ed25519PrivateKey:
    """The certifier's private key, created (mode 0600) on first use."""
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        try:
            # O_EXCL: when two processes create the key at once, one wins and the other reads the winner's key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise AppError(code="bad_signing_key", message=f"{path} is not an Ed25519 private key.")
    return key


def public_key_pem(public_key: Ed25519PublicKey | None = None) -> bytes:
    """The public key in PEM (SubjectPublicKeyInfo), as published on the site."""
    public_key = public_key or load_signing_key().public_key()
    return public_key.public_bytes(
        encoding=serialization.Encoding.PEM, format=serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id_for(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(pem: bytes, *, source: str = "public key") -> Ed25519PublicKey:
    """Read a published public key; a clear error when it is not an Ed25519 PEM public key."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as error:
        raise AppError(
            code="bad_public_key", message="The public key cannot be read.", details=[ErrorDetail(str(error), source)]
        ) from error
    if not isinstance(key, Ed25519PublicKey):
        raise AppError(code="bad_public_key", message=f"The {source} is not an Ed25519 public key.")
    return key


def sign_facts(facts: dict, *, key: Ed25519PrivateKey | None = None) -> tuple[str, str]:
    """Sign the canonical facts with `key` (by default the certifier's, read from its file); returns (base64
    signature, key id). An issuer of many certificates passes the key it loaded once."""
    key = key or load_signing_key()
    signature = key.sign(canonical_bytes(facts))
    return base64.b64encode(signature).decode("ascii"), key_id_for(key.public_key())


class SignatureCheck(Enum):
    VALID = "valid"
    TAMPERED = "tampered"
    UNKNOWN_KEY = "unknown_key"


def check_signature(*, signed: bytes, signature_b64: str, key_id: str, public_key: Ed25519PublicKey) -> SignatureCheck:
    """Whether `signed` carries a good signature by `public_key` (and names that key)."""
    if key_id != key_id_for(public_key):
        return SignatureCheck.UNKNOWN_KEY
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), signed)
    except (InvalidSignature, ValueError):
        return SignatureCheck.TAMPERED
    return SignatureCheck.VALID
