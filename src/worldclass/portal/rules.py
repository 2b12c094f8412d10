"""The portal pages' permissions beyond accounts' dashboard predicates; the views and the navigation ask them."""

import rules

from worldclass.accounts.rules import grants_for


@rules.predicate
def sees_organizations(user) -> bool:
    """Certifier staff and organization admins have the organizations overview."""
    grants = grants_for(user)
    return grants.all_organizations or bool(grants.organization_ids)


rules.add_perm("portal.view_organizations", sees_organizations)
