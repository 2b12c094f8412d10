"""Issuing, revoking and checking certificates."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.certificates.models import Certificate, CertificateIssuing
from worldclass.certificates.signing import FORMAT, load_signing_key, sign_facts
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


# What a reader may type for a serial's letters, as Crockford's base32 reads them: any case, O for 0, I and L for 1.
_TYPED_SERIAL = str.maketrans("OIL", "011")


def normalize_serial(typed: str) -> str:
    """A serial as it was printed, from one typed from paper: upper case, O read as 0, I and L as 1, no spaces."""
    prefix, _, rest = typed.strip().upper().replace(" ", "").partition("-")
    return f"{prefix}-{rest.translate(_TYPED_SERIAL)}" if rest else prefix


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


def build_facts(*, certification: Certification, serial: str, issued_at, verify_url: str) -> dict:
    """The facts a certificate states and signs (`verify_url` is the serial's `verification_url`). Only strings,
    integers and null, so the JSON is canonical."""
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
        "verify_url": verify_url,
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


# The issuing of a run's certificates from the web runs as a task (a `CertificateIssuing` row holds its state); its
# count of certificates signed so far is in Django's cache, renewed after each batch. On SQLite, which has no
# advisory locks, that count is the only sign of a live worker: it outlives the stall threshold by a margin.
ISSUING_PROGRESS_SECONDS = 20 * 60
# A request still queued after this long has waited for a worker long enough to be given up on (its task, if it
# ever runs, finds it no longer queued and does nothing).
ISSUING_STALLED_SECONDS = 10 * 60
# A running issuing is alive while its worker's transaction holds this advisory lock (PostgreSQL): a killed worker's
# connection, and with it the lock, is gone. SQLite (one process: the demo) has only the progress in the cache.
ISSUING_LOCK_CLASS = 0x57431553  # the first of the lock's two keys; the issuing's id is the second
# The moments between taking a request and taking its lock are no sign of death.
ISSUING_STARTING_SECONDS = 60
OPEN_ISSUING = [CertificateIssuing.Status.QUEUED, CertificateIssuing.Status.RUNNING]

logger = logging.getLogger(__name__)


def issuing_progress_key(issuing_id: int) -> str:
    return f"certificates.issuing.{issuing_id}.progress"


def issuing_progress(issuing_id: int) -> dict | None:
    """The running issuing's count of certificates signed, as its worker last told; None when the cache has none
    or cannot be read (the count is only shown, never relied on)."""
    try:
        found = cache.get(issuing_progress_key(issuing_id))
    except Exception:
        logger.warning("could not read the progress of certificate issuing %s", issuing_id, exc_info=True)
        return None
    return found if isinstance(found, dict) else None


def issuing_has_stalled(issuing: CertificateIssuing) -> bool:
    """Whether an issuing under way has shown no sign of life: queued for long with no worker to take it, or running
    with no worker behind it (killed mid-way)."""
    now = timezone.now()
    stalled_before = now - dt.timedelta(seconds=ISSUING_STALLED_SECONDS)
    if issuing.status == CertificateIssuing.Status.QUEUED:
        return issuing.requested_at < stalled_before
    if issuing.status != CertificateIssuing.Status.RUNNING:
        return False
    if issuing.started_at > now - dt.timedelta(seconds=ISSUING_STARTING_SECONDS):
        return False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Taken only if no worker holds it; released at once (outside a transaction) or with this one.
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [ISSUING_LOCK_CLASS, issuing.pk])
            return cursor.fetchone()[0]
    return issuing_progress(issuing.pk) is None and issuing.started_at < stalled_before


def queue_certificate_issuing(*, run: CertificationRun, user, actor: str) -> CertificateIssuing:
    """Record staff's request to issue `run`'s certificates, for its task to take up. Refused while another of the
    run's issuings is under way; one that has stalled is recorded as stopped and this one goes ahead."""
    conflict = Conflict(f"The certificates of run {run.pk} are being issued already.")
    with transaction.atomic():
        under_way = CertificateIssuing.objects.select_for_update().filter(run=run, status__in=OPEN_ISSUING).first()
        if under_way is not None:
            if not issuing_has_stalled(under_way):
                raise conflict
            _stop(under_way, code="stalled", message="The issuing stopped without a word; no certificate was issued.")
        with scopes_disabled():  # the certifier's back office, across organizations
            pending = certifications().filter(first_run=run, certificate__isnull=True).count()
        try:
            with transaction.atomic():
                return CertificateIssuing.objects.create(run=run, requested_by=user, actor=actor, pending=pending)
        except IntegrityError:
            if CertificateIssuing.objects.filter(run=run, status__in=OPEN_ISSUING).exists():
                raise conflict from None  # another request's, committed since the check
            raise


def abandon_certificate_issuing(*, issuing: CertificateIssuing) -> None:
    """The request's task could not be queued (the broker did not answer): it is recorded as stopped, so that the run
    does not wait for it."""
    _stop(issuing, code="not_queued", message="The issuing could not be queued; no certificate was issued.")


def _stop(issuing: CertificateIssuing, *, code: str, message: str) -> None:
    issuing.status, issuing.error = CertificateIssuing.Status.FAILED, {"code": code, "message": message}
    issuing.finished_at = timezone.now()
    issuing.save(update_fields=["status", "error", "finished_at"])


def run_certificate_issuing(*, issuing_id: int) -> CertificateIssuing:
    """The issuing task's body: take the queued request, issue its run's certificates (telling the page how far it
    is), and record the result, or why it stopped (nothing issued: the issuing is one transaction). A task delivered
    twice issues once: only a queued request is taken."""
    taken = CertificateIssuing.objects.filter(pk=issuing_id, status=CertificateIssuing.Status.QUEUED).update(
        status=CertificateIssuing.Status.RUNNING, started_at=timezone.now()
    )
    issuing = CertificateIssuing.objects.select_related("run", "requested_by").filter(pk=issuing_id).first()
    if issuing is None:
        raise NotFound(f"There is no certificate issuing {issuing_id}.")
    if not taken:
        return issuing
    key = issuing_progress_key(issuing.pk)

    def report_progress(done: int, pending: int) -> None:
        # Best effort: the page's count is not worth the certificates, and this runs inside the issuing's transaction.
        try:
            cache.set(key, {"done": done, "pending": pending}, ISSUING_PROGRESS_SECONDS)
        except Exception:
            logger.warning("could not report the progress of certificate issuing %s", issuing.pk, exc_info=True)

    report_progress(0, issuing.pending)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ISSUING_LOCK_CLASS, issuing.pk])
            report = issue_certificates(
                run=issuing.run, actor=issuing.actor, user=issuing.requested_by, on_progress=report_progress
            )
            # Done in the certificates' own transaction: a page never sees them issued by a request still running.
            issuing.status = CertificateIssuing.Status.DONE
            issuing.issued, issuing.already_issued = report.issued, report.already_issued
            issuing.finished_at = timezone.now()
            issuing.save(update_fields=["status", "issued", "already_issued", "finished_at"])
    except AppError as error:
        _stop(issuing, code=error.code, message=error.message)
    except Exception:
        _stop(
            issuing,
            code="internal_error",
            message="The issuing stopped on an unexpected error; no certificate was issued. The log has the details.",
        )
        raise
    finally:
        try:
            cache.delete(key)
        except Exception:
            logger.warning("could not forget the progress of certificate issuing %s", issuing.pk, exc_info=True)
    return issuing


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
