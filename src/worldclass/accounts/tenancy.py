"""Which organizations' rows a signed-in user may read: the rule core.tenancy opens scopes with."""

from __future__ import annotations

from worldclass.accounts.models import CERTIFIER_SIDE_ROLES, RoleAssignment, holds_certifier_authority


def organization_ids_for(user) -> list[int] | None:
    """The organizations a signed-in user may read; None means all of them (certifier staff: Django's is_staff
    alone opens only the admin)."""
    roles = list(RoleAssignment.objects.filter(user=user).values_list("role", "organization_id"))
    if holds_certifier_authority(user=user, roles={role for role, _ in roles}):
        return None
    return sorted({org_id for role, org_id in roles if role not in CERTIFIER_SIDE_ROLES and org_id})
