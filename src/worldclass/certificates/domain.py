"""Issuing, revoking and checking certificates."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from worldclass.certificates.models import Certificate
from worldclass.certificates.pdf import FORMAT
from worldclass.certificates.signing import sign_facts
from worldclass.certification.queries import Level, certifications
from worldclass.core.domain import absolute_url, record_audit_event
from worldclass.core.errors import AppError, Conflict, ErrorDetail, NotFound

if TYPE_CHECKING:
    from worldclass.certification.models import Certification, CertificationRun

# Crockford's base32: no I, L, O or U, so a serial read aloud or typed from paper is unambiguous.
SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_serial(*, year: int) -> str:
    """`WC2015-7K3M-9QXR-2HDP`: the edition year, then 60 random bits in three groups of four."""
    groups = ["".join(secrets.choice(SERIAL_ALPHABET) for _ in range(4)) for _ in range(3)]
    return f"WC{year}-" + "-".join(groups)


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


def build_facts(*, certification: Certification, serial: str, issued_at) -> dict:
    """The facts a certificate states and signs. Only strings, integers and null, so the JSON is canonical."""
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
        "verify_url": verification_url(serial),
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


def _issue_one(certification: Certification) -> bool:
    """Issue the certificate of one certification; False when it already has one (even from a concurrent issuer)."""
    for _attempt in range(3):
        issued_at = timezone.now().replace(microsecond=0)
        serial = new_serial(year=certification.edition.year)
        facts = build_facts(certification=certification, serial=serial, issued_at=issued_at)
        signature, key_id = sign_facts(facts)
        try:
            with transaction.atomic():
                Certificate.objects.create(
                    serial=serial,
                    certification=certification,
                    organization_id=certification.organization_id,
                    facts=facts,
                    signature=signature,
                    key_id=key_id,
                    issued_at=issued_at,
                )
        except IntegrityError:
            if Certificate.objects.filter(certification=certification).exists():
                return False
            continue  # a serial collision (60 random bits): draw another
        return True
    raise AppError(code="serial_exhausted", message="Could not draw an unused certificate serial.")


def issue_certificates(*, run: CertificationRun | None = None, actor: str = "system", user=None) -> IssueReport:
    """One signed certificate per certification (of `run`, or of all runs). Idempotent: issued ones are kept."""
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
        issued = sum(1 for certification in pending if _issue_one(certification))
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
