"""The verifiable random sample: month keys (committed, then revealed), the selection rule and its audit.

A call is selected when HMAC-SHA256(month_key, call_id), read as a fraction in [0, 1), is below the call's
sampling probability and no exclusion applies. docs/operations.md explains how anyone verifies it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django_scopes import scopes_disabled

from worldclass.core.domain import record_audit_event
from worldclass.core.errors import AppError, NotFound
from worldclass.core.months import Month
from worldclass.operations.models import Call, Invitation, SampleKey, SampleOutcome

# The fraction uses the digest's first 53 bits so that it is exact as a float: int(bits) / 2**53 < 1.
_FRACTION_BITS = 53
_FRACTION_SCALE = float(1 << _FRACTION_BITS)
_SHA256_BLOCK = 64


class FractionDrawer:
    """HMAC-SHA256 under one key, read as a fraction in [0, 1): the top 53 bits of the digest over 2**53.

    Sampling draws for every call of a month under the same key, so the key's HMAC pads (RFC 2104: the SHA-256
    states after absorbing key XOR ipad and key XOR opad) are computed once and copied per call; that is HMAC with
    no per-call key set-up and no Python-level `hmac.HMAC` object (about twice as fast as `hmac.new` per call).
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > _SHA256_BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_SHA256_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))

    def __call__(self, message: str) -> float:
        inner = self._inner.copy()
        inner.update(message.encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return (int.from_bytes(outer.digest()[:8], "big") >> (64 - _FRACTION_BITS)) / _FRACTION_SCALE


def draw_fraction(*, key: bytes, message: str) -> float:
    """HMAC-SHA256(key, message) read as a fraction in [0, 1); for many draws under one key use `FractionDrawer`."""
    return FractionDrawer(key)(message)


def channel_fraction(*, key: bytes, call_id: str) -> float:
    """A second, independent draw that spreads selected calls over the plan's channel mix."""
    return draw_fraction(key=key, message=f"channel:{call_id}")


def stratum_probability(*, target_per_csr: int, expected_calls_per_csr: float, response_rate: float) -> float:
    """The sampling probability that yields `target_per_csr` completed surveys at the observed response rate.

    The same rate within a site and month mirrors the call mix (proportional allocation); each call type gets its
    own response rate, so a call type whose customers answer less often is sampled more.
    """
    if expected_calls_per_csr <= 0 or response_rate <= 0:
        return 1.0
    return min(1.0, target_per_csr / (expected_calls_per_csr * response_rate))


@dataclass(frozen=True)
class ExclusionRules:
    """Which exclusions apply; each is configurable per site (SamplePlan) and shown on the audit page."""

    do_not_survey: bool = True
    abandoned: bool = True
    no_contact: bool = True
    fatigue_days: int = 30
    target_per_csr: int = 30

    def as_dict(self) -> dict:
        return {
            "do_not_survey": self.do_not_survey,
            "abandoned": self.abandoned,
            "no_contact": self.no_contact,
            "fatigue_days": self.fatigue_days,
            "target_per_csr": self.target_per_csr,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ExclusionRules:
        return cls(**{name: data[name] for name in cls().as_dict() if name in data})

    @classmethod
    def from_plan(cls, plan) -> ExclusionRules:
        return cls(
            do_not_survey=plan.exclude_do_not_survey,
            abandoned=plan.exclude_abandoned,
            no_contact=plan.exclude_no_contact,
            fatigue_days=plan.fatigue_days,
            target_per_csr=plan.target_per_csr,
        )


class CallFacts(NamedTuple):
    """What the rule needs to know about a call, all of it kept in the call log (a tuple: built once per call)."""

    call_id: str
    ended_at: dt.datetime
    disposition: str
    do_not_survey: bool
    customer_keys: tuple[str, ...]
    csr_id: int
    probability: float


class InvitationHistory:
    """Which customer keys were invited for calls that ended when, across the whole organization."""

    def __init__(self) -> None:
        self._ends: dict[str, list[dt.datetime]] = defaultdict(list)

    def add(self, keys: Iterable[str], ended_at: dt.datetime) -> None:
        for key in keys:
            if key:
                self._ends[key].append(ended_at)

    def invited_within(self, keys: Iterable[str], ended_at: dt.datetime, days: int) -> bool:
        earliest = ended_at - dt.timedelta(days=days)
        return any(earliest < seen <= ended_at for key in keys if key for seen in self._ends.get(key, ()))


# Module constants: reading an enum member off its class on every call costs more than the rule itself.
_DO_NOT_SURVEY = SampleOutcome.DO_NOT_SURVEY
_ABANDONED = SampleOutcome.ABANDONED
_NO_CONTACT = SampleOutcome.NO_CONTACT
_NOT_DRAWN = SampleOutcome.NOT_DRAWN
_RECENTLY_INVITED = SampleOutcome.RECENTLY_INVITED
_QUOTA_REACHED = SampleOutcome.QUOTA_REACHED
_SELECTED = SampleOutcome.SELECTED


def decide(
    *, facts: CallFacts, draw: float, rules: ExclusionRules, history: InvitationHistory, completed_for_csr: int
) -> str:
    """The sample's outcome for one call. The order is part of the rule: fixed exclusions, the draw, then fatigue
    and quota (which depend on earlier decisions)."""
    if rules.do_not_survey and facts.do_not_survey:
        return _DO_NOT_SURVEY
    if rules.abandoned and facts.disposition == "abandoned":
        return _ABANDONED
    if rules.no_contact and not any(facts.customer_keys):
        return _NO_CONTACT
    if not draw < facts.probability:
        return _NOT_DRAWN
    if history.invited_within(facts.customer_keys, facts.ended_at, rules.fatigue_days):
        return _RECENTLY_INVITED
    if completed_for_csr >= rules.target_per_csr:
        return _QUOTA_REACHED
    return _SELECTED


# --- month keys ---------------------------------------------------------------------------------------------


def _month_start(month: Month) -> dt.date:
    return month.first_day()


def commit_sample_key(
    *, organization, month: Month, actor: str, now: dt.datetime, key_bytes: bytes | None = None
) -> SampleKey:
    """Create the month's secret key and publish its SHA-256. Idempotent: an existing commitment is returned.

    The key is 32 random bytes from the operating system; only a reproducible demo passes its own."""
    with transaction.atomic():
        existing = SampleKey.objects.select_for_update().filter(organization=organization, month=_month_start(month))
        key = existing.first()
        if key is not None:
            return key
        key_bytes = key_bytes or secrets.token_bytes(32)
        key = SampleKey.objects.create(
            organization=organization,
            month=_month_start(month),
            key_hex=key_bytes.hex(),
            commitment_sha256=hashlib.sha256(key_bytes).hexdigest(),
            committed_at=now,
        )
        record_audit_event(
            actor=actor,
            action="operations.sample_key_committed",
            organization=organization,
            object_type="sample_key",
            object_id=key.pk,
            summary=f"Sampling key for {month} committed: sha256 {key.commitment_sha256}",
        )
    return key


def key_reveal_opens_at(month: Month) -> dt.datetime:
    """Keys are revealed once the month has closed and late call files have had time to arrive."""
    delay = dt.timedelta(days=settings.WORLDCLASS_SAMPLE_KEY_REVEAL_DELAY_DAYS)
    return dt.datetime.combine((month + 1).first_day(), dt.time(), tzinfo=dt.UTC) + delay


def reveal_sample_key(*, organization, month: Month, actor: str, now: dt.datetime) -> SampleKey:
    """Publish the month's key so that anyone can replay the sample. Refused before the month has closed."""
    with transaction.atomic():
        key = SampleKey.objects.select_for_update().filter(organization=organization, month=_month_start(month)).first()
        if key is None:
            raise NotFound(f"No sampling key was committed for {organization.code} {month}.")
        if key.revealed_at is not None:
            return key
        opens_at = key_reveal_opens_at(month)
        if now < opens_at:
            raise AppError(
                code="month_not_closed",
                message=f"The key for {month} can be revealed from {opens_at:%Y-%m-%d %H:%M} UTC.",
                status=409,
            )
        key.revealed_at = now
        key.save(update_fields=["revealed_at"])
        record_audit_event(
            actor=actor,
            action="operations.sample_key_revealed",
            organization=organization,
            object_type="sample_key",
            object_id=key.pk,
            summary=f"Sampling key for {month} revealed",
        )
    return key


# --- audit --------------------------------------------------------------------------------------------------


@dataclass
class SampleAudit:
    """What the replay found: one line per discrepancy."""

    organization_code: str
    month: Month
    calls_checked: int = 0
    selected: int = 0
    invited: int = 0
    discrepancies: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.discrepancies


def _facts(call: Call) -> CallFacts:
    return CallFacts(
        call_id=call.call_id,
        ended_at=call.ended_at,
        disposition=call.disposition,
        do_not_survey=call.do_not_survey,
        customer_keys=(call.phone_key, call.email_key),
        csr_id=call.csr_id,
        probability=call.sampling_probability,
    )


def audit_sample(*, organization, month: Month, key_hex: str | None = None) -> SampleAudit:
    """Replay every decision of the month from the revealed key and the call log, and list each discrepancy.

    `key_hex` lets an outside verifier supply the published key instead of the stored one.
    """
    # The audit reads the organization's whole month, whoever asks; the command is for certifier staff.
    with scopes_disabled():
        report = SampleAudit(organization_code=organization.code, month=month)
        sample_key = SampleKey.objects.filter(organization=organization, month=_month_start(month)).first()
        if sample_key is None:
            raise NotFound(f"No sampling key was committed for {organization.code} {month}.")
        if sample_key.revealed_at is None and key_hex is None:
            raise AppError(
                code="key_not_revealed",
                message=f"The key for {month} has not been revealed yet; the sample can be audited after it is.",
                status=409,
            )
        key_hex = key_hex or sample_key.key_hex
        key = bytes.fromhex(key_hex)
        draw_under_key = FractionDrawer(key)
        if hashlib.sha256(key).hexdigest() != sample_key.commitment_sha256:
            report.discrepancies.append(
                f"the key does not match the commitment published on {sample_key.committed_at:%Y-%m-%d}"
            )
        calls = list(
            Call.objects.filter(organization=organization, sample_month=_month_start(month))
            .select_related("call_import", "site")
            .order_by("id")
        )
        invitations = {
            inv.call_id: inv
            for inv in Invitation.objects.filter(organization=organization, call__sample_month=_month_start(month))
        }
        # Invitations of neighbouring months count for the fatigue rule as they were recorded (those months are
        # audited on their own); this month's own invitations are replaced by the replayed decisions.
        neighbours = list(
            Invitation.objects.filter(organization=organization)
            .exclude(call__sample_month=_month_start(month))
            .filter(
                call__ended_at__gte=dt.datetime.combine(month.first_day(), dt.time(), tzinfo=dt.UTC)
                - dt.timedelta(days=400),
                call__ended_at__lt=dt.datetime.combine((month + 1).first_day(), dt.time(), tzinfo=dt.UTC)
                + dt.timedelta(days=1),
            )
            .values_list("call_id", "call__ended_at", "call__phone_key", "call__email_key")
        )
        completions = sorted(
            Invitation.objects.filter(
                organization=organization, call__sample_month=_month_start(month), status="completed"
            ).values_list("completed_at", "call__csr_id")
        )
        history = InvitationHistory()
        neighbour_index = 0
        neighbours.sort()
        for call in calls:
            while neighbour_index < len(neighbours) and neighbours[neighbour_index][0] < call.id:
                _, ended, phone_key, email_key = neighbours[neighbour_index]
                history.add((phone_key, email_key), ended)
                neighbour_index += 1
            report.calls_checked += 1
            draw = draw_under_key(call.call_id)
            if abs(draw - call.sample_draw) > 1e-15:
                report.discrepancies.append(
                    f"call {call.call_id}: recorded draw {call.sample_draw!r}, key gives {draw!r}"
                )
            plan_snapshot = call.call_import.rates.get("plans", {}).get(str(call.site_id), {})
            rules = ExclusionRules.from_dict(plan_snapshot)
            stratum = call.call_import.rates.get("strata", {}).get(f"{call.site_id}/{call.call_type}")
            if stratum is None or abs(stratum["probability"] - call.sampling_probability) > 1e-12:
                report.discrepancies.append(
                    f"call {call.call_id}: probability {call.sampling_probability} is not the rate its import recorded"
                )
            completed = sum(1 for at, csr_id in completions if csr_id == call.csr_id and at <= call.decided_at)
            outcome = decide(facts=_facts(call), draw=draw, rules=rules, history=history, completed_for_csr=completed)
            if outcome != call.sample_outcome:
                report.discrepancies.append(
                    f"call {call.call_id}: recorded outcome {call.sample_outcome}, the rule gives {outcome}"
                )
            invitation = invitations.get(call.id)
            if outcome == SampleOutcome.SELECTED:
                report.selected += 1
                history.add((call.phone_key, call.email_key), call.ended_at)
                if invitation is None:
                    report.discrepancies.append(f"call {call.call_id}: selected but not invited")
            elif invitation is not None:
                report.discrepancies.append(
                    f"call {call.call_id}: invitation {invitation.pk} is not explained by the rule ({outcome})"
                )
            if invitation is not None:
                report.invited += 1
        known = {call.id for call in calls}
        for call_id, invitation in invitations.items():
            if call_id not in known:
                report.discrepancies.append(f"invitation {invitation.pk} has no call in the month's log")
    return report


def ensure_not_revealed(*, organization, months: set[dt.date]) -> list[dt.date]:
    """The months among `months` whose key is already revealed (calls for them are refused)."""
    return sorted(
        SampleKey.objects.filter(organization=organization, month__in=months, revealed_at__isnull=False).values_list(
            "month", flat=True
        )
    )
