"""Reads of the directory: organizations, sites and people looked up the way the outside world names them."""

from __future__ import annotations

from worldclass.directory.models import Organization


def get_organization_by_code(*, code: str) -> Organization | None:
    """The organization a code names, or None: the one lookup behind every command, API and run that takes a code.

    Organizations are the tenants themselves and carry no scope, so the lookup answers whatever scope is open;
    whether the caller may act on the organization is the caller's own rule.
    """
    return Organization.objects.filter(code=code).first()
