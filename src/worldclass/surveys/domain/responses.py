"""Recording one survey from a live channel (web, IVR, phone interviewer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.db import IntegrityError, transaction
from django_scopes import scopes_disabled

from worldclass.core.domain import record_audit_event
from worldclass.core.errors import AppError, Conflict, ErrorDetail
from worldclass.surveys.domain.content import canonical_content, content_sha256, timestamp_key
from worldclass.surveys.domain.eligibility import derive_eligibility_inputs
from worldclass.surveys.domain.rows import (
    CHANNEL,
    NO_UTC_OFFSET,
    SURVEY_NOT_BEFORE_CALL,
    Rule,
    id_rules,
    invalid_scale,
    rating_rules,
    time_rules,
)
from worldclass.surveys.models import SurveyResponse
from worldclass.surveys.signals import surveys_recorded


def _refusal(rule: Rule, value, *, row: dict | None = None, shown: dict | None = None) -> list[ErrorDetail]:
    """The rule's refusal of a live value, if any: `row` holds the other fields it compares with, `shown` the texts
    its message names (by default the value itself)."""
    if not rule.refuses(value, **(row or {})):
        return []
    return [ErrorDetail(message=rule.describe(**(shown or {"value": value})), field=rule.field)]


def _check(*, survey_id, call_id, channel, call_at, surveyed_at, overall_sat, csr_sat, rating_scale) -> None:
    """The row rules (`rows`) on one live survey, refused with the importer's fields and messages."""
    values = {
        "survey_id": survey_id,
        "call_id": call_id,
        "channel": channel,
        "overall_sat": overall_sat,
        "csr_sat": csr_sat,
        "call_at": call_at,
        "surveyed_at": surveyed_at,
    }
    problems = []
    for rule in [*id_rules("survey_id"), *id_rules("call_id"), CHANNEL]:
        problems += _refusal(rule, values[rule.field])
    low, high = rating_scale
    if scale_problem := invalid_scale(low=low, high=high):
        problems.append(ErrorDetail(message=scale_problem, field="rating_scale"))
    for rule in rating_rules(low=low, high=high):
        problems += _refusal(rule, values[rule.field])
    for rule in time_rules():
        moment = values[rule.field]
        if moment.utcoffset() is None:
            problems.append(ErrorDetail(message=NO_UTC_OFFSET, field=rule.field))
        else:
            problems += _refusal(rule, moment, shown={"value": moment.isoformat()})
    if not problems:
        problems += _refusal(
            SURVEY_NOT_BEFORE_CALL,
            surveyed_at,
            row={"call_at": call_at},
            shown={"value": surveyed_at.isoformat(), "call_at": call_at.isoformat()},
        )
    if problems:
        raise AppError(code="invalid_survey", message="The survey is invalid.", details=problems)


def record_survey_response(
    *,
    organization,
    site,
    supervisor,
    csr,
    survey_id: str,
    call_id: str,
    channel: str,
    call_at: dt.datetime,
    surveyed_at: dt.datetime,
    resolved: bool,
    first_call: bool,
    overall_sat: int,
    csr_sat: int,
    comment: str = "",
    rating_scale: tuple[int, int] = (1, 5),
    actor: str,
    user=None,
    source: dict | None = None,
) -> tuple[SurveyResponse, bool]:
    """Store one customer's answers and add them to the rollups; the same answers again change nothing.

    `call_at`/`surveyed_at` must carry the UTC offset they were given in: local dates are taken in it.
    Returns `(response, created)`. A survey_id already stored with different answers raises `Conflict`.
    The new survey's audit event names `actor` and `user`, and carries `source` (what the answers came from, such
    as an invitation) in its details.
    """
    survey_id, call_id = survey_id.strip(), call_id.strip()
    _check(
        survey_id=survey_id,
        call_id=call_id,
        channel=channel,
        call_at=call_at,
        surveyed_at=surveyed_at,
        overall_sat=overall_sat,
        csr_sat=csr_sat,
        rating_scale=rating_scale,
    )
    low, high = rating_scale
    checksum = content_sha256(
        canonical_content(
            survey_id=survey_id,
            call_id=call_id,
            org=organization.code,
            site=site.code,
            supervisor=supervisor.code,
            csr=csr.code,
            channel=channel,
            call_key=timestamp_key(call_at),
            survey_key=timestamp_key(surveyed_at),
            resolved=resolved,
            first_call=first_call,
            overall_sat=overall_sat,
            csr_sat=csr_sat,
            scale_min=low,
            scale_max=high,
            comment=comment,
        )
    )
    derived = derive_eligibility_inputs(
        country=site.country,
        call_at=call_at,
        surveyed_at=surveyed_at,
        resolved=resolved,
        first_call=first_call,
        overall_sat=overall_sat,
        csr_sat=csr_sat,
        scale_max=high,
    )
    response = SurveyResponse(
        organization=organization,
        site=site,
        supervisor=supervisor,
        csr=csr,
        survey_id=survey_id,
        call_id=call_id,
        channel=channel,
        call_at=call_at,
        surveyed_at=surveyed_at,
        resolved=resolved,
        first_call=first_call,
        rating_scale_min=low,
        rating_scale_max=high,
        overall_sat=overall_sat,
        csr_sat=csr_sat,
        comment=comment,
        **asdict(derived),
        content_sha256=checksum,
    )
    # Live channels write for any organization the caller was routed to; the caller checked access. No savepoint
    # around the whole: a rollup or audit event that cannot be written undoes the caller's transaction too (all or
    # nothing), and a live answer saves two round trips.
    with scopes_disabled():
        with transaction.atomic(savepoint=False):
            try:
                # Inserting first: a new survey is the common case, and a repeat is told by the unique survey_id.
                with transaction.atomic():
                    response.save()
            except IntegrityError:
                # Stored before, or by another request a moment ago: compare with that one.
                existing = SurveyResponse.objects.filter(organization=organization, survey_id=survey_id).first()
                if existing is None:
                    raise
            else:
                # Certification adds it to the rollups here, in this transaction: all or nothing.
                surveys_recorded.send(sender=SurveyResponse, survey=response)
                record_audit_event(
                    actor=actor,
                    user=user,
                    action="surveys.record_response",
                    organization=organization,
                    object_type="surveys.surveyresponse",
                    object_id=response.pk,
                    summary=f"Survey {survey_id} recorded ({channel})",
                    input_sha256=checksum,
                    details=source,
                )
                return response, True
        if existing.content_sha256 != checksum:
            raise Conflict(
                f"Survey {survey_id!r} is already recorded with different answers; answers are never edited.",
                code="changed_answers",
                details=[ErrorDetail(message="already recorded with different content", field="survey_id")],
            )
        return existing, False
