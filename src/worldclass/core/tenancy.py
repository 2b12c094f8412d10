"""Tenant scoping as a hard guard (django-scopes).

Every tenant-owned model uses `ScopedManager(organization=...)`: a query on it outside an active scope raises
`ScopeError` instead of silently reading every organization's rows. The middleware opens the scope of the
signed-in user's organizations for each request; certifier staff work across organizations. Code that must read
across tenants on purpose (imports, certification runs, the public registry) says so with `scopes_disabled()`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django_scopes import scope, scopes_disabled

# Who may read which organizations is the accounts app's rule; core knows no app, so accounts registers it here
# (AccountsConfig.ready). The resolver answers a list of organization ids, or None for every organization.
OrganizationResolver = Callable[[object], "list[int] | None"]
_organization_resolver: OrganizationResolver | None = None


def register_organization_resolver(resolver: OrganizationResolver) -> None:
    """Install the rule that says which organizations a signed-in user may read."""
    global _organization_resolver
    _organization_resolver = resolver


def organization_ids_for(user) -> list[int] | None:
    """The organizations a user may read; None means all of them (certifier staff)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if _organization_resolver is None:
        # Failing closed: without the rule no signed-in request may run unscoped or guess a scope.
        raise ImproperlyConfigured("No organization resolver is registered (is worldclass.accounts installed?).")
    return _organization_resolver(user)


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
