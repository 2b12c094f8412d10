"""Paging a list page: the page a request asks for, and the query string its links to the other pages keep."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(request, rows, *, per_page: int) -> Page:
    """The page `?page=` names (the last one past the end, the first one for anything else), `per_page` rows each."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The request's query string without `page`: the filters and the sort that the links to other pages keep."""
    return query_without(request, "page")


def query_without(request, *names: str) -> str:
    """The request's query string without the named parameters (for links that set them anew, e.g. a sort)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
