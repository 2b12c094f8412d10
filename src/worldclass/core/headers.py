"""Response headers every page gets: what the browser may use, and what it may keep.

The Content-Security-Policy itself comes from django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control


def _is_private(request, response) -> bool:
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False)) or "private" in response.get("Cache-Control", "")


class PrivacyHeadersMiddleware:
    """`Permissions-Policy` on every response; `Cache-Control: no-store` on every response to a signed-in user
    (dashboards, certificates, API answers) and on responses marked private, so that neither a shared cache nor
    the browser's back button keeps them after the user leaves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.WORLDCLASS_PERMISSIONS_POLICY)
        if "no-store" not in response.get("Cache-Control", "") and _is_private(request, response):
            patch_cache_control(response, no_store=True, private=True)
        return response
