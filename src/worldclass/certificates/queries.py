"""Who may see which certifications and certificates, and what a certificate's status is."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from worldclass.accounts.rules import grants_for, is_certifier_staff
from worldclass.certificates.models import Certificate
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


def certificate_status(certificate: Certificate, *, today: dt.date | None = None) -> str:
    """revoked, expired (after the last day of its valid-through month) or valid."""
    if certificate.revoked_at is not None:
        return "revoked"
    today = today or timezone.localdate()
    if today > Month.of(certificate.certification.valid_through_month).last_day():
        return "expired"
    return "valid"


def trophy_orders(*, year: int | None = None) -> list[dict]:
    """What to engrave and where to ship, for every certified site and organization with a live certificate."""
    certificates = (
        Certificate.objects.filter(revoked_at__isnull=True, certification__level__in=[Level.SITE, Level.ORGANIZATION])
        .select_related("certification__edition", "certification__organization", "certification__site")
        .order_by("certification__edition__year", "certification__organization__name", "certification__level")
    )
    if year is not None:
        certificates = certificates.filter(certification__edition__year=year)
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
            wording = "World Class Contact Center"
        else:
            ship_to_site = shipping_site.get(certification.organization_id)
            entity = certification.organization.name or certification.organization.code
            wording = "World Class Organization"
        rows.append(
            {
                "serial": certificate.serial,
                "level": certification.level,
                "entity": entity,
                "organization": certification.organization.name,
                "edition": certification.edition.name,
                "wording": wording,
                "year": certification.edition.year,
                "certified_since": f"{certification.achieved_month:%Y-%m}",
                "ship_to": ship_to_site.address if ship_to_site else "",
                "ship_to_site": (ship_to_site.name or ship_to_site.code) if ship_to_site else "",
            }
        )
    return rows
