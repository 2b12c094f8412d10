"""Who may see which certifications and certificates, and what a certificate's status is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from worldclass.accounts.rules import grants_for, is_certifier_staff
from worldclass.certificates.domain import OPEN_ISSUING, issuing_has_stalled, issuing_progress
from worldclass.certificates.models import Certificate, CertificateIssuing
from worldclass.certificates.wording import LEVEL_WORDING
from worldclass.certification.queries import Level, certifications
from worldclass.core.months import Month
from worldclass.directory.models import Site

if TYPE_CHECKING:
    from worldclass.certification.models import Certification


def _visibility(user, *, prefix: str = "") -> Q | None:
    """The filter on certifications a user may see, from the portal's role grants; None means every one (staff)."""
    if is_certifier_staff(user):
        return None
    grants = grants_for(user)
    allowed = Q(pk__in=[])
    if grants.organization_ids:
        allowed |= Q(**{f"{prefix}organization_id__in": grants.organization_ids})
    if grants.site_ids:
        allowed |= Q(**{f"{prefix}site_id__in": grants.site_ids}) | Q(
            **{f"{prefix}person__site_id__in": grants.site_ids}
        )
    own = {grants.csr_person_id, grants.supervisor_person_id} - {None}
    if own:
        allowed |= Q(**{f"{prefix}person_id__in": own, f"{prefix}level__in": [Level.CSR, Level.SUPERVISOR]})
    return allowed


def has_certificate_access(user) -> bool:
    """Staff, or a role that holds or manages certificates (org admin, site manager, supervisor, CSR)."""
    return is_certifier_staff(user) or grants_for(user).sees_dashboards


def certifications_visible_to(user) -> QuerySet[Certification]:
    """Staff: all; org admins: their organization; site managers: their sites and their people; CSRs and
    supervisors: their own certifications. Call inside the user's tenant scope."""
    queryset = certifications()
    allowed = _visibility(user)
    return queryset if allowed is None else queryset.filter(allowed)


def certificates_visible_to(user) -> QuerySet[Certificate]:
    queryset = Certificate.objects.select_related(
        "certification__edition", "certification__organization", "certification__site", "certification__person"
    )
    allowed = _visibility(user, prefix="certification__")
    return queryset if allowed is None else queryset.filter(allowed)


def expires_on(certificate: Certificate) -> dt.date:
    """The first day the certificate is no longer valid: the day after its valid-through month."""
    return Month.of(certificate.certification.valid_through_month).last_day() + dt.timedelta(days=1)


STATUSES = ("valid", "expired", "revoked")
# The list's sort keys and the columns they order by (a leading "-" reverses).
CERTIFICATE_SORTS = {
    "issued": ("issued_at", "serial"),
    "serial": ("serial",),
    "subject": ("facts__subject", "serial"),
    "edition": ("certification__edition__year", "serial"),
    "valid_through": ("certification__valid_through_month", "serial"),
}


@dataclass(frozen=True)
class CertificateFilters:
    """What a certificate list (page, API or export) is narrowed to; None means any."""

    organization_id: int | None = None
    site_id: int | None = None
    level: str | None = None
    edition_year: int | None = None
    status: str | None = None


def status_q(status: str, *, today: dt.date, revoked_at: str, valid_through_month: str) -> Q:
    """The certificates in `status` at `today`, the rule of `certificate_status` as a filter; the field paths
    name the certificate's revocation time and its certification's valid-through month."""
    first_of_month = today.replace(day=1)
    if status == "revoked":
        return Q(**{f"{revoked_at}__isnull": False})
    live = Q(**{f"{revoked_at}__isnull": True})
    if status == "expired":
        return live & Q(**{f"{valid_through_month}__lt": first_of_month})
    return live & Q(**{f"{valid_through_month}__gte": first_of_month})


def filter_certificates(
    queryset: QuerySet[Certificate], *, filters: CertificateFilters, today: dt.date | None = None
) -> QuerySet[Certificate]:
    """Narrow certificates to the filters (the same for the list page, its API and its exports)."""
    if filters.organization_id is not None:
        queryset = queryset.filter(organization_id=filters.organization_id)
    if filters.site_id is not None:
        queryset = queryset.filter(Q(certification__site_id=filters.site_id))
    if filters.level:
        queryset = queryset.filter(certification__level=filters.level)
    if filters.edition_year is not None:
        queryset = queryset.filter(certification__edition__year=filters.edition_year)
    if filters.status:
        queryset = queryset.filter(
            status_q(
                filters.status,
                today=today or timezone.localdate(),
                revoked_at="revoked_at",
                valid_through_month="certification__valid_through_month",
            )
        )
    return queryset


def sort_certificates(queryset: QuerySet[Certificate], *, sort: str) -> QuerySet[Certificate]:
    """Order by one of CERTIFICATE_SORTS ("-" first for descending); unknown keys sort newest first."""
    key = sort.removeprefix("-")
    if key not in CERTIFICATE_SORTS:
        return queryset.order_by("-issued_at", "serial")
    columns = CERTIFICATE_SORTS[key]
    return queryset.order_by(*(f"-{c}" for c in columns) if sort.startswith("-") else columns)


def certificate_status(certificate: Certificate, *, today: dt.date | None = None) -> str:
    """revoked, expired (from the day after its valid-through month) or valid."""
    if certificate.revoked_at is not None:
        return "revoked"
    today = today or timezone.localdate()
    if today >= expires_on(certificate):
        return "expired"
    return "valid"


TROPHY_LEVELS = (Level.SITE, Level.ORGANIZATION)


def trophy_orders(*, year: int | None = None, level: str | None = None) -> list[dict]:
    """What to engrave and where to ship, for every certified site and organization with a live certificate
    (of one edition year and one of the two levels, when given)."""
    return trophy_rows(filter_trophy_certificates(trophy_certificates(), year=year, level=level))


def trophy_certificates() -> QuerySet[Certificate]:
    """The live certificates of sites and organizations, each a trophy, in the order of the engraver's list."""
    return (
        Certificate.objects.filter(revoked_at__isnull=True, certification__level__in=TROPHY_LEVELS)
        .select_related("certification__edition", "certification__organization", "certification__site")
        .order_by("certification__edition__year", "certification__organization__name", "certification__level", "id")
    )


def filter_trophy_certificates(queryset: QuerySet, *, year: int | None, level: str | None) -> QuerySet:
    """Trophies of one edition year and one of the two levels, when given (the list page's, CSV's and API's)."""
    if year is not None:
        queryset = queryset.filter(certification__edition__year=year)
    if level in TROPHY_LEVELS:
        queryset = queryset.filter(certification__level=level)
    return queryset


def trophy_rows(certificates) -> list[dict]:
    """Each trophy's engraving and shipping address (organizations ship to their first site with an address)."""
    certificates = list(certificates)
    organization_ids = {
        c.certification.organization_id for c in certificates if c.certification.level == "organization"
    }
    # An organization has no address of its own: its trophy ships to its first site (by code) that has one.
    shipping_site = {}
    for site in Site.objects.filter(organization_id__in=organization_ids).exclude(address="").order_by("code"):
        shipping_site.setdefault(site.organization_id, site)
    rows = []
    for certificate in certificates:
        certification = certificate.certification
        if certification.level == Level.SITE:
            ship_to_site = certification.site
            entity = certification.site.name or certification.site.code
        else:
            ship_to_site = shipping_site.get(certification.organization_id)
            entity = certification.organization.name or certification.organization.code
        rows.append(
            {
                "serial": certificate.serial,
                "level": certification.level,
                "entity": entity,
                "organization": certification.organization.name,
                "edition": certification.edition.name,
                "edition_fr": certification.edition.name_fr,  # for the page (`|localized:"edition"`), not the CSV
                # The certificate's title, in English as the CSV and the API give it; the page translates it.
                "wording": LEVEL_WORDING[certification.level],
                "year": certification.edition.year,
                "certified_since": f"{certification.achieved_month:%Y-%m}",
                "ship_to": ship_to_site.address if ship_to_site else "",
                "ship_to_site": (ship_to_site.name or ship_to_site.code) if ship_to_site else "",
            }
        )
    return rows


@dataclass(frozen=True)
class IssuingStatus:
    """The latest issuing of a run's certificates asked for from the web, as its page shows it."""

    issuing: CertificateIssuing
    stalled: bool
    done: int | None = None  # certificates signed so far while it runs; None when the cache does not say

    @property
    def under_way(self) -> bool:
        return self.issuing.status in OPEN_ISSUING and not self.stalled

    @property
    def percent(self) -> int:
        """0 to 100, for the progress bar."""
        if not self.done or not self.issuing.pending:
            return 0
        return min(100, 100 * self.done // self.issuing.pending)


def issuing_phase(status: IssuingStatus | None, *, pending: int) -> str:
    """What the issue page shows of the latest issuing: followed while queued or running (its worker records it
    done with its certificates, in one transaction); then done, stalled (only while certificates remain), failed,
    or nothing of it but the counts ("none")."""
    if status is None:
        return "none"
    if status.under_way:
        return status.issuing.status
    if status.issuing.status == CertificateIssuing.Status.DONE:
        return "done"
    if status.stalled and pending:
        return "stalled"
    if status.issuing.status == CertificateIssuing.Status.FAILED:
        return "failed"
    return "none"


def latest_issuing(*, run_id: int) -> IssuingStatus | None:
    """The run's latest issuing from the web, with its progress; None when none was asked for."""
    issuing = CertificateIssuing.objects.filter(run_id=run_id).order_by("-id").first()
    if issuing is None:
        return None
    stalled = issuing_has_stalled(issuing)
    if stalled:
        # Its worker may have finished since the row was read, releasing the sign of life the check looked for: a
        # stall is judged again on the row as it is now.
        issuing.refresh_from_db()
        stalled = issuing_has_stalled(issuing)
    running = issuing.status == CertificateIssuing.Status.RUNNING
    progress = issuing_progress(issuing.pk) if running else None
    return IssuingStatus(issuing=issuing, stalled=stalled, done=(progress or {}).get("done"))
