"""Invitations on three channels: web links (SMS or e-mail), IVR and phone interviewers; answers recorded once."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from worldclass.core.after_commit import after_commit
from worldclass.core.domain import absolute_url, record_audit_event
from worldclass.core.errors import AppError, Conflict, ErrorDetail, NotFound, PermissionDenied
from worldclass.operations.domain.recovery import open_case_if_unhappy
from worldclass.operations.models import Channel, InterviewAttempt, InterviewReview, Invitation
from worldclass.operations.sms import SMSMessage, get_sms_backend
from worldclass.surveys.domain.responses import record_survey_response


@dataclass(frozen=True)
class Answers:
    """The core questions' answers, whichever channel collected them."""

    resolved: bool
    first_call: bool
    overall_sat: int
    csr_sat: int
    why_not_resolved: str = ""
    comment: str = ""

    def as_dict(self) -> dict:
        return {
            "resolved": self.resolved,
            "first_call": self.first_call,
            "overall_sat": self.overall_sat,
            "csr_sat": self.csr_sat,
            "why_not_resolved": self.why_not_resolved,
            "comment": self.comment,
        }

    def survey_comment(self) -> str:
        parts = []
        if self.why_not_resolved and not self.resolved:
            parts.append(f"Not resolved because: {self.why_not_resolved}")
        if self.comment:
            parts.append(self.comment)
        return "\n\n".join(parts)


def validate_answers(data: dict) -> Answers:
    """Answers from a form or the API, checked field by field."""
    errors = []
    values = {}
    for name in ("resolved", "first_call"):
        value = data.get(name)
        if isinstance(value, str):
            value = {"yes": True, "no": False, "true": True, "false": False, "1": True, "2": False}.get(value.lower())
        if not isinstance(value, bool):
            errors.append(ErrorDetail(message="must be yes or no", field=name))
        values[name] = value
    for name in ("overall_sat", "csr_sat"):
        value = data.get(name)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 5:
            errors.append(ErrorDetail(message="must be a whole number from 1 to 5", field=name))
        values[name] = value
    for name, limit in (("why_not_resolved", 1000), ("comment", 2000)):
        text = str(data.get(name) or "").strip()
        if len(text) > limit:
            errors.append(ErrorDetail(message=f"must be at most {limit} characters", field=name))
        values[name] = text
    if errors:
        raise AppError(code="invalid_answers", message="Some answers are missing or invalid.", details=errors)
    return Answers(**values)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_url(token: str) -> str:
    return absolute_url(reverse("operations:survey", args=[token]))


def issue_web_link(*, invitation: Invitation) -> str:
    """A new single-use, unguessable link for a web invitation; only its SHA-256 is stored, older links die."""
    token = secrets.token_urlsafe(32)
    invitation.token_sha256 = token_sha256(token)
    invitation.save(update_fields=["token_sha256"])
    return token


def check_invitation_open(invitation: Invitation, *, now: dt.datetime) -> None:
    if invitation.status != Invitation.Status.OPEN:
        raise AppError(code="used_link", message="This survey has already been answered or closed.", status=409)
    if now >= invitation.expires_at:
        raise AppError(code="expired_link", message="This survey's time window has closed.", status=410)
    if now < invitation.opens_at:
        raise AppError(code="not_open", message="This survey is not open yet.", status=409)


def send_due_invitations(*, now: dt.datetime) -> int:
    """Send the web invitations that have opened: an e-mail or SMS in the customer's language with a fresh link."""
    sent = 0
    # The sender works for every organization; each invitation is handled in its own transaction.
    with scopes_disabled():
        due_ids = list(
            Invitation.objects.filter(
                channel=Channel.WEB,
                status=Invitation.Status.OPEN,
                sent_at__isnull=True,
                opens_at__lte=now,
                expires_at__gt=now,
            ).values_list("id", flat=True)
        )
        for invitation_id in due_ids:
            with transaction.atomic():
                invitation = Invitation.objects.select_for_update().select_related("call", "site").get(pk=invitation_id)
                if invitation.sent_at is not None:
                    continue
                call = invitation.call
                if not (call.customer_email if invitation.web_medium == "email" else call.customer_phone):
                    continue
                token = issue_web_link(invitation=invitation)
                _deliver(invitation=invitation, url=survey_url(token))
                invitation.sent_at = now
                invitation.save(update_fields=["sent_at"])
                sent += 1
    return sent


def _deliver(*, invitation: Invitation, url: str) -> None:
    call = invitation.call
    expires_local = invitation.expires_at.astimezone(ZoneInfo(invitation.site.timezone or "UTC"))
    with translation.override(invitation.language):
        body = _(
            "Thank you for calling %(site)s. Please tell us about your call in two minutes: %(url)s "
            "(open until %(expires)s)."
        ) % {
            "site": invitation.site.name or invitation.site.code,
            "url": url,
            "expires": f"{expires_local:%Y-%m-%d %H:%M}",
        }
        subject = _("How was your call?")

    def send() -> None:
        if invitation.web_medium == "email":
            send_mail(subject, body, None, [call.customer_email], fail_silently=False)
        else:
            get_sms_backend().send_messages([SMSMessage(to=call.customer_phone, body=body)])

    def due_again() -> None:
        # Not delivered: the next run sends it with a fresh link (the one in the lost message was never seen), so a
        # customer's invitation is sent at least once.
        with scopes_disabled():
            Invitation.objects.filter(pk=invitation.pk, sent_at=invitation.sent_at).update(sent_at=None)

    # Sent once the invitation is marked sent and committed.
    after_commit(send, on_failure=due_again)


# What recording web answers reads of the locked invitation and its relations, and nothing else: the row is read
# on every submission, and Django's cost of a query grows with its columns (the answer path's query-count test
# catches a field read here that was left out).
_RECORDING_FIELDS = (
    "id",
    "organization_id",
    "site_id",
    "call_id",
    "channel",
    "language",
    "status",
    "opens_at",
    "expires_at",
    "organization__id",
    "organization__code",
    "site__id",
    "site__organization_id",
    "site__code",
    "site__name",
    "site__country",
    "site__timezone",
    "call__id",
    "call__organization_id",
    "call__call_id",
    "call__ended_at",
    "call__supervisor_id",
    "call__csr_id",
    "call__supervisor__id",
    "call__supervisor__organization_id",
    "call__supervisor__code",
    "call__csr__id",
    "call__csr__organization_id",
    "call__csr__code",
)


# What the survey page reads of the invitation and its site.
_PAGE_FIELDS = ("id", "site_id", "language", "status", "opens_at", "expires_at", "site__id", "site__name", "site__code")


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The web invitation a link names, or NotFound for an unknown link. `for_update` locks it (in a transaction)
    and brings what recording the answers reads (organization, the call's supervisor and CSR) in the same query."""
    # The customer is not signed in: the unguessable token is the authorization.
    with scopes_disabled():
        # The page shows the site; recording the answers also reads the organization and the call's people.
        invitations = Invitation.objects.select_related("site")
        if for_update:
            invitations = (
                invitations.select_related("organization", "call", "call__supervisor", "call__csr")
                .only(*_RECORDING_FIELDS)
                .select_for_update(of=("self",))
            )
        else:
            invitations = invitations.only(*_PAGE_FIELDS)
        try:
            # get(), not first(): the token is unique, and ordering the row costs more to compile than to read.
            return invitations.get(token_sha256=token_sha256(token), channel=Channel.WEB)
        except Invitation.DoesNotExist:
            raise NotFound("This survey link is not known.", code="unknown_link") from None


def _record(*, invitation: Invitation, answers: Answers, channel: str, now: dt.datetime, actor: str, interviewer=None):
    """Turn the answers into a SurveyResponse attributed as of the call, and close the invitation."""
    call = invitation.call
    zone = ZoneInfo(invitation.site.timezone or "UTC")
    response, created = record_survey_response(
        organization=invitation.organization,
        site=invitation.site,
        supervisor=call.supervisor,
        csr=call.csr,
        survey_id=f"op-{invitation.pk}",
        call_id=call.call_id,
        channel=channel,
        call_at=call.ended_at.astimezone(zone),
        surveyed_at=now.astimezone(zone),
        resolved=answers.resolved,
        first_call=answers.first_call,
        overall_sat=answers.overall_sat,
        csr_sat=answers.csr_sat,
        comment=answers.survey_comment(),
        actor=actor,
        user=interviewer,
        # One audit event tells both that the survey was recorded and which invitation it closed.
        source={"invitation": invitation.pk, "call_id": call.call_id},
    )
    invitation.status = Invitation.Status.COMPLETED
    invitation.completed_at = now
    invitation.answers = answers.as_dict()
    invitation.response = response
    invitation.interviewer = interviewer
    invitation.save(update_fields=["status", "completed_at", "answers", "response", "interviewer"])
    open_case_if_unhappy(response=response, now=now, actor=actor)
    if not created:
        # The survey was recorded (and audited) earlier: the closing of this invitation is an event of its own.
        record_audit_event(
            actor=actor,
            user=interviewer,
            action="operations.survey_completed",
            organization=invitation.organization,
            object_type="invitation",
            object_id=invitation.pk,
            summary=f"Survey for call {call.call_id} completed by {channel}",
        )
    return response


def submit_web_answers(*, token: str, data: dict, now: dt.datetime) -> Invitation:
    """Record a customer's web answers once; used, expired and unknown links are refused."""
    answers = validate_answers(data)
    with transaction.atomic(), scopes_disabled():
        invitation = invitation_for_token(token, for_update=True)
        check_invitation_open(invitation, now=now)
        _record(invitation=invitation, answers=answers, channel="web", now=now, actor="web survey")
    return invitation


# --- IVR ----------------------------------------------------------------------------------------------------


def due_ivr_invitations(*, now: dt.datetime):
    """Invitations the IVR platform should call now, soonest expiry first."""
    return (
        Invitation.objects.filter(
            channel=Channel.IVR, status=Invitation.Status.OPEN, opens_at__lte=now, expires_at__gt=now
        )
        .select_related("call", "site")
        .order_by("expires_at", "id")
    )


IVR_KEYS = {"1": True, "2": False}


def ivr_answers(keys: dict) -> Answers:
    """Keypad answers: 1 yes / 2 no for resolved and first call, 1 to 5 for the two ratings."""
    return validate_answers(
        {
            "resolved": IVR_KEYS.get(str(keys.get("resolved"))),
            "first_call": IVR_KEYS.get(str(keys.get("first_call"))),
            "overall_sat": keys.get("overall_sat"),
            "csr_sat": keys.get("csr_sat"),
        }
    )


def record_ivr_answers(*, invitation_id: int, keys: dict, now: dt.datetime, actor: str) -> tuple[Invitation, bool]:
    """Record keyed IVR answers. The same answers again: (invitation, False); different ones: Conflict."""
    answers = ivr_answers(keys)
    # The IVR platform is the certifier's and works across organizations.
    with transaction.atomic(), scopes_disabled():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("site", "call")
            .filter(pk=invitation_id, channel=Channel.IVR)
            .first()
        )
        if invitation is None:
            raise NotFound(f"No IVR invitation {invitation_id}.")
        if invitation.status == Invitation.Status.COMPLETED:
            if invitation.answers == answers.as_dict():
                return invitation, False
            raise Conflict(f"Invitation {invitation_id} was already answered differently.", code="answer_conflict")
        check_invitation_open(invitation, now=now)
        _record(invitation=invitation, answers=answers, channel="ivr", now=now, actor=actor)
    return invitation, True


# --- phone interviewers -------------------------------------------------------------------------------------


def interviewer_queue(*, now: dt.datetime):
    """Phone invitations ready to call, soonest expiry first; callbacks wait for their time."""
    return (
        Invitation.objects.filter(
            channel=Channel.PHONE, status=Invitation.Status.OPEN, opens_at__lte=now, expires_at__gt=now
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .select_related("call", "site")
        .order_by("expires_at", "id")
    )


def record_interview(
    *,
    invitation_id: int,
    interviewer,
    outcome: str,
    now: dt.datetime,
    data: dict | None = None,
    callback_at: dt.datetime | None = None,
) -> Invitation:
    """Record one attempt: the answers, or a disposition (no answer, callback, refused, wrong number)."""
    if outcome not in InterviewAttempt.Outcome.values:
        raise AppError(code="invalid", message="Unknown outcome.", details=[ErrorDetail("is not known", "outcome")])
    answers = validate_answers(data or {}) if outcome == InterviewAttempt.Outcome.COMPLETED else None
    # Interviewers work for the certifier, across organizations.
    with transaction.atomic(), scopes_disabled():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("site", "call")
            .filter(pk=invitation_id, channel=Channel.PHONE)
            .first()
        )
        if invitation is None:
            raise NotFound(f"No phone invitation {invitation_id}.")
        check_invitation_open(invitation, now=now)
        if invitation.next_attempt_at and now < invitation.next_attempt_at:
            raise AppError(code="callback_pending", message="A callback is scheduled later.", status=409)
        if outcome == InterviewAttempt.Outcome.CALLBACK and (
            callback_at is None or not now < callback_at < invitation.expires_at
        ):
            raise AppError(
                code="invalid",
                message="A callback must be scheduled inside the survey window.",
                details=[ErrorDetail(message="must be after now and before the window closes", field="callback_at")],
            )
        InterviewAttempt.objects.create(
            organization=invitation.organization,
            invitation=invitation,
            interviewer=interviewer,
            at=now,
            outcome=outcome,
            callback_at=callback_at if outcome == InterviewAttempt.Outcome.CALLBACK else None,
        )
        invitation.attempts += 1
        invitation.next_attempt_at = None
        if outcome == InterviewAttempt.Outcome.COMPLETED:
            invitation.save(update_fields=["attempts", "next_attempt_at"])
            _record(
                invitation=invitation,
                answers=answers,
                channel="phone",
                now=now,
                actor=interviewer.get_username(),
                interviewer=interviewer,
            )
            return invitation
        if outcome == InterviewAttempt.Outcome.REFUSED:
            invitation.status = Invitation.Status.REFUSED
        elif outcome == InterviewAttempt.Outcome.WRONG_NUMBER:
            invitation.status = Invitation.Status.WRONG_NUMBER
        elif invitation.attempts >= settings.WORLDCLASS_INTERVIEW_MAX_ATTEMPTS:
            invitation.status = Invitation.Status.UNREACHABLE
        elif outcome == InterviewAttempt.Outcome.CALLBACK:
            invitation.next_attempt_at = callback_at
        invitation.save(update_fields=["attempts", "next_attempt_at", "status"])
        record_audit_event(
            actor=interviewer.get_username(),
            user=interviewer,
            action="operations.interview_attempt",
            organization=invitation.organization,
            object_type="invitation",
            object_id=invitation.pk,
            summary=f"Interview attempt: {outcome}",
        )
    return invitation


def _qa_order(invitation_id: int) -> str:
    return hashlib.sha256(f"qa:{invitation_id}".encode()).hexdigest()


def qa_sample(*, interviewer_ids: list[int] | None = None) -> list[Invitation]:
    """Each interviewer's completed interviews due for review: a fixed pseudo-random share of them."""
    completed = list(
        Invitation.objects.filter(channel=Channel.PHONE, status=Invitation.Status.COMPLETED)
        .select_related("call", "site", "interviewer", "review")
        .order_by("id")
    )
    by_interviewer: dict[int, list[Invitation]] = {}
    for invitation in completed:
        if interviewer_ids is None or invitation.interviewer_id in interviewer_ids:
            by_interviewer.setdefault(invitation.interviewer_id, []).append(invitation)
    due = []
    for interviews in by_interviewer.values():
        wanted = math.ceil(settings.WORLDCLASS_QA_SAMPLE_RATE * len(interviews))
        chosen = sorted(interviews, key=lambda inv: _qa_order(inv.pk))[:wanted]
        due.extend(inv for inv in chosen if not hasattr(inv, "review") or inv.review is None)
    return sorted(due, key=lambda inv: inv.completed_at)


def record_review(*, invitation_id: int, reviewer, errors: int, notes: str, now: dt.datetime) -> InterviewReview:
    """A QA reviewer's finding on one completed interview; reviewers cannot review their own interviews."""
    if errors < 0 or errors > 50:
        raise AppError(
            code="invalid", message="Invalid review.", details=[ErrorDetail("must be from 0 to 50", "errors")]
        )
    with transaction.atomic(), scopes_disabled():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(pk=invitation_id, channel=Channel.PHONE, status=Invitation.Status.COMPLETED)
            .first()
        )
        if invitation is None:
            raise NotFound(f"No completed interview {invitation_id}.")
        if invitation.interviewer_id == reviewer.pk:
            raise PermissionDenied("Interviewers do not review their own interviews.")
        if InterviewReview.objects.filter(invitation=invitation).exists():
            raise Conflict("This interview has already been reviewed.")
        review = InterviewReview.objects.create(
            organization=invitation.organization,
            invitation=invitation,
            interviewer_id=invitation.interviewer_id,
            reviewer=reviewer,
            errors=errors,
            notes=notes.strip(),
            reviewed_at=now,
        )
        record_audit_event(
            actor=reviewer.get_username(),
            user=reviewer,
            action="operations.interview_reviewed",
            organization=invitation.organization,
            object_type="invitation",
            object_id=invitation.pk,
            summary=f"QA review: {errors} error(s)",
        )
    return review
