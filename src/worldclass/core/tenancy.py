"""Tenant scoping as a hard guard (django-scopes).

Every tenant-owned model uses `ScopedManager(organization=...)`: a query on it outside an active scope raises
`ScopeError` instead of silently reading every organization's rows. The middleware opens the scope of the
signed-in user's organizations for each request; certifier staff work across organizations. Code that must read
across tenants on purpose (imports, certification runs, the public registry) says so with `scopes_disabled()`.
"""

from __future__ import annotations

from contextlib import contextmanager

from django_scopes import scope, scopes_disabled


def organization_ids_for(user) -> list[int] | None:
    """The organizations a user may read; None means all of them (certifier staff)."""
    if not getattr(user, "is_authenticated", False):
        return []
    from worldclass.accounts.models import CERTIFIER_SIDE_ROLES, RoleAssignment
    from worldclass.accounts.rules import is_certifier_staff

    if is_certifier_staff(user):
        return None
    roles = list(RoleAssignment.objects.filter(user=user).values_list("role", "organization_id"))
    return sorted({org_id for role, org_id in roles if role not in CERTIFIER_SIDE_ROLES and org_id})


@contextmanager
def scope_for_user(user):
    """Open the tenant scope a user is entitled to for the duration of the block."""
    org_ids = organization_ids_for(user)
    if org_ids is None:
        with scopes_disabled():
            yield
    else:
        with scope(organization=org_ids):
            yield


class TenantScopeMiddleware:
    """Wrap each request in the signed-in user's tenant scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scope_for_user(request.user):
            return self.get_response(request)
