"""Paging a list page: the page a request asks for, and the query string its links to the other pages keep."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(request, rows, *, per_page: int) -> Page:
    """The page `?page=` names (the last one past the end, the first one for anything else), `per_page` rows each."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The request's query string without `page`: the filters and the sort that the links to other pages keep."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
