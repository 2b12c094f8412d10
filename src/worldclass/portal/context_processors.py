from worldclass.accounts.rules import grants_for


def navigation(request) -> dict:
    """What the navigation bar offers the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = grants_for(user)
    return {"nav_sees_dashboards": grants.sees_dashboards, "nav_sees_all_organizations": grants.all_organizations}
