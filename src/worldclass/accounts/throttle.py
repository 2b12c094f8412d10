"""Login throttling on the cache: after too many failed logins for one user name from one address, wait.

Counted per (user name, client address) so that an attacker cannot lock a user out from elsewhere, and per address
alone (with a higher limit) so that one client cannot try many user names.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"accounts:login-failures:{digest}"


def _keys(*, username: str, address: str) -> list[tuple[str, int]]:
    return [
        (_key("user", username.strip().lower(), address), settings.WORLDCLASS_LOGIN_MAX_FAILURES),
        (_key("address", address), settings.WORLDCLASS_LOGIN_MAX_FAILURES_PER_ADDRESS),
    ]


def is_login_locked(*, username: str, address: str) -> bool:
    """True when this user name from this address (or this address alone) failed too often recently."""
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(username=username, address=address))


def record_login_failure(*, username: str, address: str) -> None:
    """Count one failed login; the count expires WORLDCLASS_LOGIN_LOCKOUT_SECONDS after the first failure."""
    for key, _limit in _keys(username=username, address=address):
        if not cache.add(key, 1, timeout=settings.WORLDCLASS_LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=settings.WORLDCLASS_LOGIN_LOCKOUT_SECONDS)


def clear_login_failures(*, username: str, address: str) -> None:
    """Forget this user name's failures from this address after a successful login."""
    cache.delete(_keys(username=username, address=address)[0][0])
