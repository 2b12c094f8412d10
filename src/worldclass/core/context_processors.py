from worldclass.core.navigation import links_for, offers_search


def navigation(request) -> dict:
    """The main navigation's links for the request's user."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_links": [], "nav_search": False}
    return {"nav_links": links_for(user=user, path=request.path), "nav_search": offers_search(user=user)}
