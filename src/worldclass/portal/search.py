"""Finding an organization, site, supervisor or CSR by name or code, within what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from worldclass.accounts.queries import organizations_visible_to, people_visible_to, sites_visible_to
from worldclass.portal.rules import may_search

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
RESULTS_PER_KIND = 50


@dataclass(frozen=True)
class SearchHit:
    level: str  # organization | site | supervisor | csr: the dashboard it opens
    pk: int
    name: str
    code: str
    context: str  # where it is: the organization, the site


@dataclass(frozen=True)
class SearchResults:
    text: str
    hits: list[SearchHit]
    truncated: bool

    def of_level(self, level: str) -> list[SearchHit]:
        return [hit for hit in self.hits if hit.level == level]


def _matches(text: str) -> Q:
    return Q(name__icontains=text) | Q(code__icontains=text)


def search_directory(*, user, text: str) -> SearchResults:
    """Organizations, sites and people whose name or code contains `text`, among those `user` may see.

    Reads inside the request's tenant scope, and through the same visibility querysets as the dashboards, so a
    result always opens. Too short or too long a text finds nothing rather than everything.
    """
    text = " ".join(text.split())
    if not (MIN_QUERY_LENGTH <= len(text) <= MAX_QUERY_LENGTH) or not may_search(user):
        return SearchResults(text=text, hits=[], truncated=False)
    hits: list[SearchHit] = []
    truncated = False
    organizations = list(
        organizations_visible_to(user).filter(_matches(text)).order_by("name", "code")[: RESULTS_PER_KIND + 1]
    )
    sites = list(
        sites_visible_to(user)
        .filter(_matches(text))
        .select_related("organization")
        .order_by("organization__name", "name", "code")[: RESULTS_PER_KIND + 1]
    )
    people = list(
        people_visible_to(user)
        .filter(_matches(text), Q(is_csr=True) | Q(is_supervisor=True))
        .select_related("organization", "site")
        .order_by("organization__name", "name", "code")[: RESULTS_PER_KIND + 1]
    )
    for found in (organizations, sites, people):
        truncated |= len(found) > RESULTS_PER_KIND
        del found[RESULTS_PER_KIND:]
    hits += [SearchHit("organization", o.pk, o.name or o.code, o.code, "") for o in organizations]
    hits += [SearchHit("site", s.pk, s.name or s.code, s.code, str(s.organization)) for s in sites]
    for person in people:
        where = ", ".join(str(x) for x in (person.site, person.organization) if x is not None)
        level = "supervisor" if person.is_supervisor else "csr"
        hits.append(SearchHit(level, person.pk, person.name or person.code, person.code, where))
    return SearchResults(text=text, hits=hits, truncated=truncated)
