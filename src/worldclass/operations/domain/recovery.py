"""Service recovery: an unhappy customer's answer opens a follow-up case for the site. Cases never touch surveys."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import pgettext

from worldclass.core.domain import record_audit_event
from worldclass.core.errors import AppError, ErrorDetail, NotFound, worded_phrase
from worldclass.core.i18n import gettext_noop, in_active_language_worded
from worldclass.operations.models import RecoveryCase

UNHAPPY_RATING = 2
# Why a case opens. The case stores them in English, as the API gives them; a page words the same phrases in its
# reader's language from the answer (operations.queries.case_reason).
NOT_RESOLVED = gettext_noop("not resolved")
LOW_OVERALL_SATISFACTION = gettext_noop("overall satisfaction {rating}")
LOW_REPRESENTATIVE_RATING = gettext_noop("representative rated {rating}")


def unhappy_reasons(response) -> list[dict]:
    """Why a response needs a follow-up (unresolved, or rated 1 or 2 on either scale), each a worded phrase."""
    reasons = []
    if not response.resolved:
        reasons.append(worded_phrase(NOT_RESOLVED))
    if response.overall_sat <= UNHAPPY_RATING:
        reasons.append(worded_phrase(LOW_OVERALL_SATISFACTION, rating=response.overall_sat))
    if response.csr_sat <= UNHAPPY_RATING:
        reasons.append(worded_phrase(LOW_REPRESENTATIVE_RATING, rating=response.csr_sat))
    return reasons


def word_reasons(*, reasons: list[dict]) -> str:
    """The reasons in one line, in the active language."""
    return pgettext("between the reasons of a case", "; ").join(in_active_language_worded(r) for r in reasons)


def open_case_if_unhappy(*, response, now: dt.datetime, actor: str) -> RecoveryCase | None:
    """Open the site's follow-up case for an unhappy response (once per response)."""
    reasons = unhappy_reasons(response)
    if not reasons:
        return None
    with translation.override("en"):
        reason = word_reasons(reasons=reasons)
    case, created = RecoveryCase.objects.get_or_create(
        response=response,
        defaults={
            "organization_id": response.organization_id,
            "site_id": response.site_id,
            "reason": reason,
            "due_at": now + dt.timedelta(hours=settings.WORLDCLASS_RECOVERY_DUE_HOURS),
            "created_at": now,
        },
    )
    if created:
        record_audit_event(
            actor=actor,
            action="operations.case_opened",
            organization=response.organization,
            object_type="recovery_case",
            object_id=case.pk,
            summary=f"Follow-up case for survey {response.survey_id}: {case.reason}",
        )
    return case


def update_case(
    *, case_id: int, user, status: str, note: str, outcome: str, take_ownership: bool, now: dt.datetime
) -> RecoveryCase:
    """Record follow-up work on a case: status, an appended note, the outcome. Closing needs an outcome."""
    if status not in RecoveryCase.Status.values:
        raise AppError(code="invalid", message="Unknown status.", details=[ErrorDetail("is not known", "status")])
    with transaction.atomic():
        case = RecoveryCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound(f"No case {case_id}.")
        outcome = outcome.strip() or case.outcome
        if status == RecoveryCase.Status.CLOSED and not outcome:
            raise AppError(
                code="invalid",
                message="Say how the case ended before closing it.",
                details=[ErrorDetail(message="is required to close the case", field="outcome")],
            )
        if note.strip():
            stamp = f"[{now:%Y-%m-%d %H:%M} UTC, {user.get_username()}] "
            case.notes = (case.notes + "\n" if case.notes else "") + stamp + note.strip()
        if take_ownership:
            case.owner = user
        case.status = status
        case.outcome = outcome
        case.closed_at = now if status == RecoveryCase.Status.CLOSED else None
        case.save(update_fields=["notes", "owner", "status", "outcome", "closed_at"])
        record_audit_event(
            actor=user.get_username(),
            user=user,
            action="operations.case_updated",
            organization=case.organization,
            object_type="recovery_case",
            object_id=case.pk,
            summary=f"Case {case.pk}: {status}",
        )
    return case
