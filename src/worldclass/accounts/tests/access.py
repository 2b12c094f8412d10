"""The authorization matrix's vocabulary.

Every app lists its routes in `<app>/tests/access_matrix.py` as a module-level `CASES: list[AccessCase]`.
`accounts/tests/test_authorization_matrix.py` requests each case
as each role of `build_role_world()` and asserts the expected status; a named route without a case fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from worldclass.accounts.tests.world import ROLES, RoleWorld

# What an anonymous visitor gets from a page that needs a login (the login redirect).
LOGIN_REDIRECT = 302


@dataclass(frozen=True)
class AccessCase:
    """One route, how to build its path in a RoleWorld, and the status each role must get."""

    url_name: str
    path: Callable[[RoleWorld], str]
    expect: dict[str, int]
    method: str = "get"
    data: Callable[[RoleWorld], dict] | None = None
    content_type: str | None = None
    label: str = ""
    setup: Callable[[RoleWorld], None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        unknown = set(self.expect) - set(ROLES)
        if missing or unknown:
            raise ValueError(f"{self.url_name}: expect must name every role; missing {missing}, unknown {unknown}")


def public(status: int = 200) -> dict[str, int]:
    """Everyone, signed in or not, gets `status`."""
    return dict.fromkeys(ROLES, status)


def as_superuser(allowed: set[str] | list[str]) -> set[str]:
    """A superuser holds every permission certifier staff hold (and no role of its own)."""
    allowed = set(allowed)
    return allowed | {"superuser"} if "certifier_staff" in allowed else allowed


def only(allowed: set[str] | list[str], *, ok: int = 200, denied: int = 403, anonymous: int = LOGIN_REDIRECT):
    """The listed roles get `ok`; other signed-in roles get `denied`; anonymous visitors get `anonymous`.
    A superuser gets what certifier staff get; Django staff without a role get `denied` like any role-less user."""
    allowed = as_superuser(allowed)
    unknown = allowed - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    result = {role: (ok if role in allowed else denied) for role in ROLES}
    if "anonymous" not in allowed:
        result["anonymous"] = anonymous
    return result
