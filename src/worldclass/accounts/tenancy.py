"""Which organizations' rows a signed-in user may read: the rule core.tenancy opens scopes with."""

from __future__ import annotations

from worldclass.accounts.models import CERTIFIER_SIDE_ROLES, Role, RoleAssignment


def organization_ids_for(user) -> list[int] | None:
    """The organizations a signed-in user may read; None means all of them (Django staff, certifier staff)."""
    if user.is_superuser or user.is_staff:
        return None
    roles = list(RoleAssignment.objects.filter(user=user).values_list("role", "organization_id"))
    if any(role == Role.CERTIFIER_STAFF for role, _ in roles):
        return None
    return sorted({org_id for role, org_id in roles if role not in CERTIFIER_SIDE_ROLES and org_id})
