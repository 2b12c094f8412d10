"""The querysets matching `accounts.rules`: what a user may list, in one query each.

Accounts sits below certification, so the rollups a user may see are read by `certification.queries`."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from worldclass.accounts.models import Role, User
from worldclass.accounts.rules import grants_for
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


def certifier_staff_users() -> QuerySet[User]:
    """Active users for whom `rules.is_certifier_staff` holds, as one query."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role_assignments__role=Role.CERTIFIER_STAFF))
        .distinct()
    )
