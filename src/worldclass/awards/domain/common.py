"""Helpers shared by the awards' domain modules: permission checks, audit and e-mail (sent after the commit)."""

from __future__ import annotations

from collections.abc import Callable

from worldclass.accounts.models import Role, User
from worldclass.accounts.queries import certifier_staff_users
from worldclass.accounts.rules import is_certifier_staff
from worldclass.awards.rules import administers_organization, is_judge
from worldclass.core.after_commit import send_mail_after_commit
from worldclass.core.domain import actor_label, record_audit_event
from worldclass.core.errors import PermissionDenied


def require_staff(user) -> None:
    if not is_certifier_staff(user):
        raise PermissionDenied("Only awards staff can do this.", code="staff_only")


def require_judge(user) -> None:
    if not is_judge(user):
        raise PermissionDenied("Only awards judges can do this.", code="judge_only")


def require_org_admin(user, organization_id: int) -> None:
    if not administers_organization(user, organization_id):
        raise PermissionDenied("Only an admin of the applicant organization can do this.", code="applicant_only")


def audit(*, user, action: str, obj, organization=None, summary: str = "", details: dict | None = None) -> None:
    record_audit_event(
        actor=actor_label(user),
        user=user if getattr(user, "is_authenticated", False) else None,
        action=f"awards.{action}",
        organization=organization,
        object_type=f"awards.{type(obj).__name__}",
        object_id=obj.pk,
        summary=summary,
        details=details or {},
    )


def applicant_emails(organization_id: int) -> list[str]:
    """Everyone who answers for an applicant organization: its organization admins."""
    users = User.objects.filter(
        role_assignments__role=Role.ORG_ADMIN, role_assignments__organization_id=organization_id
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def staff_emails() -> list[str]:
    return sorted(set(certifier_staff_users().exclude(email="").values_list("email", flat=True)))


def notify(*, to: list[str], subject: str, body: str, on_failure: Callable[[], object] | None = None) -> None:
    """E-mail `to` once the transaction that decided the news commits (never for a change that is rolled back);
    `on_failure` makes an owed message due again (core.after_commit)."""
    send_mail_after_commit(subject=subject, body=body, to=to, on_failure=on_failure)
