"""Recording the audit trail; absolute URLs for links that leave the site (certificates, QR codes, e-mails)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from worldclass.core.models import AuditEvent

# Where `runserver` listens by default: the base URL when WORLDCLASS_PUBLIC_URL is not set (development only;
# `worldclass check --deploy` warns about it).
LOCAL_PUBLIC_URL = "http://127.0.0.1:8000"


def public_base_url() -> str:
    """The site's public base URL, without a trailing slash: the one setting every absolute link is built from."""
    return (settings.WORLDCLASS_PUBLIC_URL or LOCAL_PUBLIC_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """An absolute URL for a site path (as `reverse` returns it)."""
    return public_base_url() + path


def record_audit_event(
    *,
    actor: str,
    action: str,
    user=None,
    organization=None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    input_sha256: str = "",
    counts: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the transaction of the action it records."""
    return AuditEvent.objects.create(
        actor=actor or "system",
        user=user,
        action=action,
        organization=organization,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        input_sha256=input_sha256,
        counts=counts or {},
        details=details or {},
    )


def actor_label(user=None, fallback: str = "system") -> str:
    """The name recorded for an actor: the user's username, or the process name."""
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()
    return fallback
