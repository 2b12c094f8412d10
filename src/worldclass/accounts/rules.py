"""Who may see what, within the tenant scope the middleware has already opened (django-rules).

Tenant scoping is the hard guard: a user's queries cannot reach another organization's rows. These predicates
decide within it: certifier staff (`is_certifier_staff`, the one authority check every app asks) see everything;
an organization admin their organization; a site manager their
sites and the people there; a supervisor themselves and their team; a CSR themselves. Judges, interviewers and
QA reviewers see no dashboard data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django_scopes import scopes_disabled

from worldclass.accounts.models import Role, RoleAssignment, holds_certifier_authority


@dataclass(frozen=True)
class Grants:
    """What one user's role assignments give them, computed once per request."""

    all_organizations: bool = False
    organization_ids: frozenset[int] = frozenset()
    site_ids: frozenset[int] = frozenset()
    supervisor_person_id: int | None = None
    csr_person_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def sees_dashboards(self) -> bool:
        return bool(
            self.all_organizations
            or self.organization_ids
            or self.site_ids
            or self.supervisor_person_id
            or self.csr_person_id
        )


def grants_for(user) -> Grants:
    """The user's grants, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return Grants()
    cached = getattr(user, "_worldclass_grants", None)
    if cached is not None:
        return cached
    # The user's own assignments decide the scope, so they are read before (and regardless of) it.
    with scopes_disabled():
        assignments = list(RoleAssignment.objects.filter(user=user).prefetch_related("sites"))
    roles = frozenset(a.role for a in assignments)
    grants = Grants(
        all_organizations=holds_certifier_authority(user=user, roles=roles),
        organization_ids=frozenset(a.organization_id for a in assignments if a.role == Role.ORG_ADMIN),
        site_ids=frozenset(s.id for a in assignments if a.role == Role.SITE_MANAGER for s in a.sites.all()),
        supervisor_person_id=user.person_id if Role.SUPERVISOR in roles else None,
        csr_person_id=user.person_id if Role.CSR in roles else None,
        roles=roles,
    )
    user._worldclass_grants = grants
    return grants


@rules.predicate
def is_certifier_staff(user) -> bool:
    """Certifier staff: holders of the certifier_staff role, and superusers. Every app asks this one predicate."""
    return grants_for(user).all_organizations


@rules.predicate
def sees_dashboards(user) -> bool:
    return grants_for(user).sees_dashboards


@rules.predicate
def can_view_organization(user, organization) -> bool:
    grants = grants_for(user)
    return grants.all_organizations or organization.id in grants.organization_ids


@rules.predicate
def can_view_site(user, site) -> bool:
    grants = grants_for(user)
    return grants.all_organizations or site.organization_id in grants.organization_ids or site.id in grants.site_ids


@rules.predicate
def can_view_person(user, person) -> bool:
    grants = grants_for(user)
    if grants.all_organizations or person.organization_id in grants.organization_ids:
        return True
    if person.site_id is not None and person.site_id in grants.site_ids:
        return True
    if grants.supervisor_person_id is not None and grants.supervisor_person_id in (person.id, person.supervisor_id):
        return True
    return grants.csr_person_id is not None and grants.csr_person_id == person.id


rules.add_perm("accounts.certifier_staff", is_certifier_staff)
rules.add_perm("portal.view_dashboards", sees_dashboards)
rules.add_perm("directory.view_organization", can_view_organization)
rules.add_perm("directory.view_site", can_view_site)
rules.add_perm("directory.view_person", can_view_person)
