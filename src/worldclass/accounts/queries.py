"""The querysets matching `accounts.rules`: what a user may list, in one query each."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from worldclass.accounts.models import Role, User
from worldclass.accounts.rules import grants_for
from worldclass.certification.models import Level, MonthlyRollup
from worldclass.directory.models import Organization, Person, Site


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Organizations whose organization-level dashboard the user may see."""
    grants = grants_for(user)
    if grants.all_organizations:
        return Organization.objects.all()
    return Organization.objects.filter(id__in=grants.organization_ids)


def sites_visible_to(user) -> QuerySet[Site]:
    grants = grants_for(user)
    if grants.all_organizations:
        return Site.objects.all()
    return Site.objects.filter(Q(organization_id__in=grants.organization_ids) | Q(id__in=grants.site_ids))


def people_visible_to(user) -> QuerySet[Person]:
    grants = grants_for(user)
    if grants.all_organizations:
        return Person.objects.all()
    condition = Q(organization_id__in=grants.organization_ids) | Q(site_id__in=grants.site_ids)
    if grants.supervisor_person_id is not None:
        condition |= Q(id=grants.supervisor_person_id) | Q(supervisor_id=grants.supervisor_person_id)
    if grants.csr_person_id is not None:
        condition |= Q(id=grants.csr_person_id)
    return Person.objects.filter(condition)


def rollups_visible_to(user) -> QuerySet[MonthlyRollup]:
    """Monthly rollups of the entities whose dashboards the user may see (the rules above, as one filter)."""
    grants = grants_for(user)
    if grants.all_organizations:
        return MonthlyRollup.objects.all()
    person_levels = [Level.CSR, Level.SUPERVISOR]
    condition = Q(organization_id__in=grants.organization_ids)
    if grants.site_ids:
        condition |= Q(level=Level.SITE, entity_id__in=grants.site_ids)
        condition |= Q(
            level__in=person_levels,
            entity_id__in=Person.objects.filter(site_id__in=grants.site_ids).values("id"),
        )
    if grants.supervisor_person_id is not None:
        condition |= Q(level__in=person_levels, entity_id=grants.supervisor_person_id)
        condition |= Q(
            level=Level.CSR,
            entity_id__in=Person.objects.filter(supervisor_id=grants.supervisor_person_id).values("id"),
        )
    if grants.csr_person_id is not None:
        condition |= Q(level=Level.CSR, entity_id=grants.csr_person_id)
    return MonthlyRollup.objects.filter(condition)


def certifier_staff_users() -> QuerySet[User]:
    """Active users for whom `rules.is_certifier_staff` holds, as one query."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role_assignments__role=Role.CERTIFIER_STAFF))
        .distinct()
    )
