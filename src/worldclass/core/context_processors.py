from django.utils.functional import SimpleLazyObject

from worldclass.core.navigation import links_for, offers_search


def navigation(request) -> dict:
    """The main navigation's links for the request's user, worked out only when a page shows them (a customer's
    survey page does not)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_links": [], "nav_search": False}
    return {
        "nav_links": SimpleLazyObject(lambda: links_for(user=user, path=request.path)),
        "nav_search": SimpleLazyObject(lambda: offers_search(user=user)),
    }
