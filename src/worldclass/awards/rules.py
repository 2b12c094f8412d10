"""Who may do what in the awards (django-rules predicates). Domain functions enforce them; views ask them."""

from __future__ import annotations

import rules

from worldclass.accounts.models import Role, RoleAssignment
from worldclass.accounts.rules import grants_for


@rules.predicate
def is_awards_staff(user) -> bool:
    """Certifier staff run the awards: Django staff or holders of the certifier_staff role."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Role.CERTIFIER_STAFF in grants_for(user).roles


@rules.predicate
def is_judge(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Role.JUDGE in grants_for(user).roles


@rules.predicate
def is_applicant(user) -> bool:
    """Organization admins apply on behalf of their organization."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Role.ORG_ADMIN in grants_for(user).roles


@rules.predicate
def administers_organization(user, organization) -> bool:
    if not getattr(user, "is_authenticated", False) or organization is None:
        return False
    organization_id = getattr(organization, "pk", organization)
    return RoleAssignment.objects.filter(user=user, role=Role.ORG_ADMIN, organization_id=organization_id).exists()


@rules.predicate
def administers_application(user, application) -> bool:
    return application is not None and administers_organization(user, application.organization_id)


@rules.predicate
def judge_may_view(user, application) -> bool:
    """A panel judge assigned to the category, without a conflict, in a phase that shows the application."""
    if application is None or not is_judge(user):
        return False
    from worldclass.awards.queries import judge_can_view

    return judge_can_view(judge=user, application=application)


rules.add_perm("awards.run_awards", is_awards_staff)
rules.add_perm("awards.apply", is_applicant)
rules.add_perm("awards.judge", is_judge)
rules.add_perm("awards.see_application", is_awards_staff | administers_application | judge_may_view)
rules.add_perm("awards.edit_application", administers_application)
