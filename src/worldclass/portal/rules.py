"""The portal pages' permissions beyond accounts' dashboard predicates; the views and the navigation ask them."""

import rules

from worldclass.accounts.rules import grants_for


@rules.predicate
def sees_organizations(user) -> bool:
    """Certifier staff and organization admins have the organizations overview."""
    grants = grants_for(user)
    return grants.all_organizations or bool(grants.organization_ids)


@rules.predicate
def may_search(user) -> bool:
    """Certifier staff, organization admins and site managers: those who look across more than their own team."""
    grants = grants_for(user)
    return bool(grants.all_organizations or grants.organization_ids or grants.site_ids)


rules.add_perm("portal.view_organizations", sees_organizations)
rules.add_perm("portal.search", may_search)
