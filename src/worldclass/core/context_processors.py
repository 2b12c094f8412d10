from worldclass.core.navigation import links_for


def navigation(request) -> dict:
    """The main navigation's links for the request's user."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_links": []}
    return {"nav_links": links_for(user=user, path=request.path)}
