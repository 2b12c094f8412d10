"""Issuing, revoking and checking certificates."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.certificates.models import Certificate
from worldclass.certificates.signing import FORMAT, load_signing_key, sign_facts
from worldclass.certification import run_queries
from worldclass.certification.queries import Level, certifications
from worldclass.core.domain import absolute_url, record_audit_event
from worldclass.core.errors import AppError, Conflict, ErrorDetail, NotFound

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from worldclass.certification.models import Certification, CertificationRun

# Crockford's base32: no I, L, O or U, so a serial read aloud or typed from paper is unambiguous.
SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_serial(*, year: int) -> str:
    """`WC2015-7K3M-9QXR-2HDP`: the edition year, then 60 random bits in three groups of four."""
    # The alphabet has 32 letters: each 5 bits of one random 60-bit number choose one, uniformly.
    bits = secrets.randbits(60)
    letters = "".join(SERIAL_ALPHABET[(bits >> shift) & 31] for shift in range(0, 60, 5))
    return f"WC{year}-{letters[:4]}-{letters[4:8]}-{letters[8:]}"


def verification_url(serial: str) -> str:
    return absolute_url(reverse("certificates:verify", kwargs={"serial": serial}))


def _month(day) -> str | None:
    return f"{day:%Y-%m}" if day else None


def _subject(certification: Certification) -> tuple[str, str]:
    """(name, code) of the certified person or entity."""
    if certification.level in (Level.CSR, Level.SUPERVISOR):
        return certification.person.name or certification.person.code, certification.person.code
    if certification.level == Level.SITE:
        return certification.site.name or certification.site.code, certification.site.code
    return certification.organization.name or certification.organization.code, certification.organization.code


def build_facts(*, certification: Certification, serial: str, issued_at, verify_url: str | None = None) -> dict:
    """The facts a certificate states and signs. Only strings, integers and null, so the JSON is canonical.
    `verify_url` is `verification_url(serial)`, when the caller has it already."""
    name, code = _subject(certification)
    rate = None
    if certification.surveys:
        rate = str(
            (Decimal(certification.meeting) * 100 / certification.surveys).quantize(Decimal("0.1"), ROUND_HALF_UP)
        )
    window = None
    if certification.window_start and certification.window_end:
        window = {"start": _month(certification.window_start), "end": _month(certification.window_end)}
    site = certification.site or (certification.person.site if certification.person_id else None)
    return {
        "format": FORMAT,
        "serial": serial,
        "issued_at": issued_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verify_url": verify_url or verification_url(serial),
        "level": certification.level,
        "subject": name,
        "subject_code": code,
        "organization": certification.organization.name or certification.organization.code,
        "site": (site.name or site.code) if site else None,
        "edition": {
            "year": certification.edition.year,
            "name": certification.edition.name,
            "metric": certification.edition.metric,
        },
        "qualifying_window": window,
        "certified_since": _month(certification.achieved_month),
        "valid_through": _month(certification.valid_through_month),
        "surveys": certification.surveys,
        "meeting": certification.meeting,
        "rate_percent": rate,
    }


@dataclass(frozen=True)
class IssueReport:
    issued: int
    already_issued: int


# Certificates written per statement: one INSERT, in one savepoint, for this many (each took three round trips).
ISSUE_BATCH_SIZE = 500
_SERIAL_PLACEHOLDER = "SERIAL"


@dataclass(frozen=True)
class _Signer:
    """What every certificate of one issuing shares: the signing key, read from its file once, and the
    verification URL, resolved once (a `reverse` per certificate was an eighth of the issuing)."""

    key: Ed25519PrivateKey
    url_before_serial: str
    url_after_serial: str

    @classmethod
    def load(cls) -> _Signer:
        before, _serial, after = verification_url(_SERIAL_PLACEHOLDER).rpartition(_SERIAL_PLACEHOLDER)
        return cls(key=load_signing_key(), url_before_serial=before, url_after_serial=after)

    def certificate(self, certification: Certification) -> Certificate:
        """A new certificate of `certification`, signed, with a fresh serial; not saved."""
        issued_at = timezone.now().replace(microsecond=0)
        serial = new_serial(year=certification.edition.year)
        facts = build_facts(
            certification=certification,
            serial=serial,
            issued_at=issued_at,
            verify_url=f"{self.url_before_serial}{serial}{self.url_after_serial}",
        )
        signature, key_id = sign_facts(facts, key=self.key)
        return Certificate(
            serial=serial,
            certification=certification,
            organization_id=certification.organization_id,
            facts=facts,
            signature=signature,
            key_id=key_id,
            issued_at=issued_at,
        )


def _issue_one(certification: Certification, *, signer: _Signer) -> bool:
    """Issue the certificate of one certification; False when it already has one (even from a concurrent issuer)."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                signer.certificate(certification).save(force_insert=True)
        except IntegrityError:
            if Certificate.objects.filter(certification=certification).exists():
                return False
            continue  # a serial collision (60 random bits): draw another
        return True
    raise AppError(code="serial_exhausted", message="Could not draw an unused certificate serial.")


def _issue_batch(certifications: list[Certification], *, signer: _Signer) -> int:
    """Issue the certificates of `certifications` in one statement; returns how many were issued. When one of them
    has a certificate already (a concurrent issuer's) or a serial was drawn twice, the statement is undone and they
    are issued one by one, each telling which."""
    certificates = [signer.certificate(certification) for certification in certifications]
    try:
        with transaction.atomic():
            Certificate.objects.bulk_create(certificates)
    except IntegrityError:
        return sum(1 for certification in certifications if _issue_one(certification, signer=signer))
    return len(certificates)


def issue_certificates(
    *,
    run: CertificationRun | None = None,
    actor: str = "system",
    user=None,
    on_progress: Callable[[int, int], None] | None = None,
) -> IssueReport:
    """One signed certificate per certification (of `run`, or of all runs). Idempotent: issued ones are kept.

    `on_progress(done, pending)` is told after each batch how many of the pending certifications are done."""
    # Certificates are issued by the certifier's back office for every organization at once.
    with scopes_disabled(), transaction.atomic():
        pending = (
            certifications()
            .filter(certificate__isnull=True)
            .select_related("edition", "organization", "site", "person__site")
            .order_by("id")
        )
        if run is not None:
            pending = pending.filter(first_run=run)
        total = certifications().filter(first_run=run).count() if run else certifications().count()
        # The ids first, then each batch's rows: memory follows the batch, and nothing is read from a cursor left
        # open while the certificates are written.
        ids = list(pending.values_list("id", flat=True))
        signer = _Signer.load() if ids else None
        issued = 0
        for start in range(0, len(ids), ISSUE_BATCH_SIZE):
            batch = list(pending.filter(id__in=ids[start : start + ISSUE_BATCH_SIZE]))
            issued += _issue_batch(batch, signer=signer)
            if on_progress is not None:
                on_progress(min(start + ISSUE_BATCH_SIZE, len(ids)), len(ids))
        report = IssueReport(issued=issued, already_issued=total - issued)
        record_audit_event(
            actor=actor,
            user=user,
            action="certificates.issue",
            object_type="certification_run" if run else "",
            object_id=run.pk if run else "",
            summary=f"Issued {issued} certificates ({report.already_issued} already issued).",
            counts={"issued": issued, "already_issued": report.already_issued},
        )
    return report


# The issuing of a run's certificates from the web runs as a task; its page follows it in Django's cache. A sign of
# issuing under way lasts this long without news (each batch renews it), so one left by a worker that died expires.
ISSUING_SIGN_SECONDS = 10 * 60
# How long the page then shows the issuing's result.
ISSUING_RESULT_SECONDS = 24 * 3600


class IssuingState:
    QUEUED = "queued"
    ISSUING = "issuing"
    DONE = "done"
    FAILED = "failed"
    UNDER_WAY = (QUEUED, ISSUING)


def issuing_key(run_id: int) -> str:
    return f"certificates.issuing.{run_id}"


def queue_certificate_issuing(*, run: CertificationRun) -> int:
    """Mark the issuing of `run`'s certificates as queued, for its task to take up; returns how many are pending.
    Refused while an issuing of the run is under way (a second click, a second member of staff)."""
    with scopes_disabled():  # the certifier's back office, across organizations
        pending = certifications().filter(first_run=run, certificate__isnull=True).count()
    queued = {"state": IssuingState.QUEUED, "done": 0, "pending": pending}
    key = issuing_key(run.pk)
    if not cache.add(key, queued, ISSUING_SIGN_SECONDS):
        if (cache.get(key) or {}).get("state") in IssuingState.UNDER_WAY:
            raise Conflict(f"The certificates of run {run.pk} are being issued already.")
        cache.set(key, queued, ISSUING_SIGN_SECONDS)  # the last issuing's result gives way
    return pending


def run_certificate_issuing(*, run_id: int, user_id: int | None, actor: str) -> IssueReport:
    """The issuing task's body: issue run `run_id`'s certificates, telling its page how far it is, then the result
    (or that it stopped, nothing issued: the issuing is one transaction)."""
    key = issuing_key(run_id)
    with scopes_disabled():
        run = run_queries.find_run(pk=run_id)
    if run is None:
        cache.delete(key)
        raise NotFound(f"There is no certification run {run_id}.")
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None

    def report_progress(done: int, pending: int) -> None:
        cache.set(key, {"state": IssuingState.ISSUING, "done": done, "pending": pending}, ISSUING_SIGN_SECONDS)

    report_progress(0, (cache.get(key) or {}).get("pending", 0))
    try:
        report = issue_certificates(run=run, actor=actor, user=user, on_progress=report_progress)
    except Exception:
        cache.set(key, {"state": IssuingState.FAILED}, ISSUING_RESULT_SECONDS)
        raise
    cache.set(
        key,
        {"state": IssuingState.DONE, "issued": report.issued, "already_issued": report.already_issued},
        ISSUING_RESULT_SECONDS,
    )
    return report


def revoke_certificate(*, serial: str, reason: str, user, actor: str) -> Certificate:
    """Revoke a certificate with a reason; refused when it is already revoked."""
    reason = reason.strip()
    if not reason:
        raise AppError(
            code="invalid",
            message="A revocation needs a reason.",
            details=[ErrorDetail(message="Say why the certificate is revoked.", field="reason")],
        )
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(serial=serial).first()
        if certificate is None:
            raise NotFound(f"No certificate {serial}.")
        if certificate.revoked_at is not None:
            raise Conflict(f"Certificate {serial} was already revoked on {certificate.revoked_at:%Y-%m-%d}.")
        certificate.revoked_at = timezone.now()
        certificate.revocation_reason = reason
        certificate.revoked_by = user
        certificate.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
        record_audit_event(
            actor=actor,
            user=user,
            action="certificates.revoke",
            organization=certificate.organization,
            object_type="certificate",
            object_id=certificate.serial,
            summary=f"Revoked certificate {certificate.serial}: {reason}",
            details={"reason": reason},
        )
    return certificate
