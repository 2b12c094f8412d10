"""API tokens for tests, issued the way staff issue them (stored as a digest; the text is returned once)."""

from __future__ import annotations

from knox.models import AuthToken


def api_token_for(user) -> str:
    """A fresh API token for `user`, to send as `Authorization: Token <token>`."""
    _instance, token = AuthToken.objects.create(user=user)
    return token
