"""Who may see and do what in survey operations."""

from __future__ import annotations

from django.db.models import Q
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment
from worldclass.accounts.rules import is_certifier_staff
from worldclass.directory.models import Organization, Site


def _roles(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_operations_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).prefetch_related("sites"))
        user._operations_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return any(a.role == role for a in _roles(user))


def admin_organization_ids(user) -> set[int]:
    return {a.organization_id for a in _roles(user) if a.role == Role.ORG_ADMIN}


def managed_site_ids(user) -> set[int]:
    return {site.pk for a in _roles(user) if a.role == Role.SITE_MANAGER for site in a.sites.all()}


def visible_sites(user, *, organization_id: int | None = None, site_id: int | None = None):
    """Sites whose operations a user may see: all (certifier staff), an org admin's, a site manager's own;
    optionally only among one organization's sites or one site."""
    # The role decides the reach; scopes are opened for the user's organizations anyway.
    with scopes_disabled():
        sites = Site.objects.select_related("organization").order_by("organization__code", "code")
        if organization_id is not None:
            sites = sites.filter(organization_id=organization_id)
        if site_id is not None:
            sites = sites.filter(pk=site_id)
        if is_certifier_staff(user):
            return list(sites)
        org_ids, site_ids = admin_organization_ids(user), managed_site_ids(user)
        if not org_ids and not site_ids:
            return []
        return list(sites.filter(Q(organization_id__in=org_ids) | Q(pk__in=site_ids)))


def can_see_operations(user) -> bool:
    return is_certifier_staff(user) or bool(admin_organization_ids(user)) or bool(managed_site_ids(user))


def can_import_calls_for(user, organization: Organization) -> bool:
    return is_certifier_staff(user) or organization.pk in admin_organization_ids(user)


def can_interview(user) -> bool:
    return has_role(user, Role.INTERVIEWER)


def can_review_interviews(user) -> bool:
    return has_role(user, Role.QA_REVIEWER) or is_certifier_staff(user)
