"""The one definition of the main navigation: each entry names the permission its page checks.

The permissions are django-rules perms registered by each app over the very predicates its views call, so a link
appears exactly when its page would open. `rules.has_perm` is asked directly (not `user.has_perm`) because Django's
superuser shortcut would otherwise offer pages whose role checks refuse a superuser.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVERYONE = "everyone"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class NavEntry:
    """One link of the main navigation and who is offered it (a perm name, EVERYONE or ANONYMOUS)."""

    label: str | Promise
    url_name: str
    audience: str
    # The page asks `user.has_perm`, so Django's superuser shortcut opens it (see the module docstring).
    superuser_opens: bool = False

    def offered_to(self, user) -> bool:
        if self.audience == EVERYONE:
            return True
        if self.audience == ANONYMOUS:
            return not user.is_authenticated
        if self.superuser_opens and user.is_active and user.is_superuser:
            return True
        return user.is_authenticated and rules.has_perm(self.audience, user)


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry(_("My dashboard"), "portal:home", "portal.view_dashboards"),
    NavEntry(_("Organizations"), "portal:organizations", "portal.view_organizations"),
    NavEntry(_("Certificates"), "certificates:list", "certificates.view_list"),
    NavEntry(_("Trophies"), "certificates:trophies", "certificates.manage"),
    NavEntry(_("Survey operations"), "operations:home", "operations.view_reports"),
    NavEntry(_("Interviews"), "operations:interviewer_queue", "operations.interview"),
    NavEntry(_("Interview QA"), "operations:qa_list", "operations.review_interviews"),
    NavEntry(_("Awards"), "awards:home", EVERYONE),
    NavEntry(_("My applications"), "awards:my_applications", "awards.apply", superuser_opens=True),
    NavEntry(_("Judging"), "awards:judging", "awards.judge"),
    NavEntry(_("Upload survey results"), "surveys:upload", "accounts.certifier_staff"),
    NavEntry(_("Import history"), "surveys:history", "accounts.certifier_staff"),
    NavEntry(_("Certification runs"), "certification:runs", "accounts.certifier_staff"),
    NavEntry(_("Run the awards"), "awards:staff_cycles", "awards.run_awards"),
    NavEntry(_("Register to apply"), "awards:register", ANONYMOUS),
    NavEntry(_("Registry"), "registry:index", EVERYONE),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def links_for(*, user, path: str) -> list[NavLink]:
    """The navigation links offered to the user; the one whose page holds `path` is marked current."""
    offered = [(entry, reverse(entry.url_name)) for entry in NAVIGATION if entry.offered_to(user)]
    # The longest matching prefix wins, so /awards/judging/ marks "Judging", not "Awards".
    matching = [url for _entry, url in offered if path.startswith(url)]
    current = max(matching, key=len, default=None)
    return [NavLink(label=str(entry.label), url=url, current=url == current) for entry, url in offered]


def offers_search(*, user) -> bool:
    """Whether the bar shows the search box: the search page's own permission (portal.search)."""
    return user.is_authenticated and rules.has_perm("portal.search", user)
