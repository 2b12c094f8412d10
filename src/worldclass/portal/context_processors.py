from worldclass.accounts.models import Role
from worldclass.accounts.rules import grants_for, is_certifier_staff
from worldclass.portal.search import may_search


def navigation(request) -> dict:
    """What the navigation bar offers the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = grants_for(user)
    certifier_staff = is_certifier_staff(user)
    return {
        "nav_sees_dashboards": grants.sees_dashboards,
        "nav_sees_all_organizations": grants.all_organizations,
        "nav_certifier_staff": certifier_staff,
        "nav_operations": certifier_staff or bool(grants.roles & {Role.ORG_ADMIN, Role.SITE_MANAGER}),
        "nav_interviewer": Role.INTERVIEWER in grants.roles,
        "nav_qa_reviewer": Role.QA_REVIEWER in grants.roles,
        "nav_judge": Role.JUDGE in grants.roles,
        "nav_search": may_search(user),
    }
