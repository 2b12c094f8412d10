"""Verifying the stored surveys against their own checksums (certification.domain.integrity adds the rollups).

Every stored answer carries `content_sha256`, the SHA-256 of its canonical content (surveys.domain.content). The
canonical form writes each timestamp as its UTC instant and the offset it was written in; rows keep the instant and
the local date in that offset, not the offset itself, so the offset is found again: the offsets giving the stored
local date are tried, the site's last match first. An answer changed by someone who bypassed the append-only
triggers matches no offset and is named; so is a derived column (month, delay, business days, FCR, World Class call)
that no longer follows from the answers.

This is also the defence for re-imports: an import compares each row's checksum with the stored `content_sha256`, so
a file identical to what was loaded reports "No change" even if the stored answers were altered since; the daily
`verify-surveys` run is what notices such an alteration.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from django_scopes import scopes_disabled

from worldclass.surveys.domain.content import EPOCH, canonical_content, content_sha256
from worldclass.surveys.domain.eligibility import business_days_after_many
from worldclass.surveys.models import SurveyResponse

# Offsets in use around the world are whole quarter hours from UTC-12:00 to UTC+14:00; any other minute is tried last.
QUARTER_HOUR_OFFSETS = range(-12 * 60, 14 * 60 + 1, 15)
ANY_MINUTE_OFFSETS = range(-24 * 60 + 1, 24 * 60)
MAX_PROBLEMS_KEPT = 200
_CHUNK = 5000  # rows read, and their business days counted, at a time
_HINTS_PER_SITE = 4

_FIELDS = [
    "pk",
    "survey_id",
    "call_id",
    "organization__code",
    "site_id",
    "site__code",
    "site__country",
    "supervisor__code",
    "csr__code",
    "channel",
    "call_at",
    "surveyed_at",
    "call_local_date",
    "survey_local_date",
    "call_month",
    "delay_seconds",
    "business_days_after_call",
    "resolved",
    "first_call",
    "overall_sat",
    "csr_sat",
    "rating_scale_min",
    "rating_scale_max",
    "comment",
    "is_fcr",
    "is_world_class_call",
    "content_sha256",
]


@dataclass
class Findings:
    """The discrepancies a verification found: how many, and the first MAX_PROBLEMS_KEPT of them named."""

    problem_count: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)


_MINUTE = 60_000_000  # microseconds
_DAY = 24 * 60 * _MINUTE


def _offsets_giving(instant: dt.datetime, local_date: dt.date, offsets: range) -> list[int]:
    """The offsets (minutes) in which the UTC instant falls on the stored local date: those from the day's start to
    its end, found with integers (adding each offset to the instant was 60% of a whole verification's time)."""
    # Microseconds from the instant to the local date's midnight, both as wall times (as `instant + offset` adds).
    start = (dt.datetime.combine(local_date, dt.time()) - instant.replace(tzinfo=None)) // dt.timedelta(microseconds=1)
    first = -(-start // _MINUTE)  # the first whole minute at or after the day's start
    last = -(-(start + _DAY) // _MINUTE) - 1  # the last whole minute before the next day's start
    return [o for o in offsets if first <= o <= last]


def _micros(instant: dt.datetime) -> int:
    return (instant - EPOCH) // dt.timedelta(microseconds=1)


def _candidate_offsets(row: dict, hints: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """(call offset, survey offset) pairs consistent with the stored local dates, likeliest first: the `hints`
    (the pairs that matched the site's latest rows), then one offset for both, then two."""
    call_at, surveyed_at = row["call_at"], row["surveyed_at"]
    calls = _offsets_giving(call_at, row["call_local_date"], QUARTER_HOUR_OFFSETS)
    surveys = _offsets_giving(surveyed_at, row["survey_local_date"], QUARTER_HOUR_OFFSETS)
    tried = [hint for hint in hints if hint[0] in calls and hint[1] in surveys]
    yield from tried
    survey_set = set(surveys)
    yield from ((o, o) for o in calls if o in survey_set and (o, o) not in tried)
    yield from ((c, s) for c in calls for s in surveys if c != s and (c, s) not in tried)
    call_minutes = _offsets_giving(call_at, row["call_local_date"], ANY_MINUTE_OFFSETS)
    survey_minutes = set(_offsets_giving(surveyed_at, row["survey_local_date"], ANY_MINUTE_OFFSETS))
    yield from ((o, o) for o in call_minutes if o in survey_minutes and o % 15)


def _matching_offsets(row: dict, hints: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """The offsets under which the row's canonical content hashes to its stored checksum, or None."""
    call_micros, survey_micros = _micros(row["call_at"]), _micros(row["surveyed_at"])
    for call_offset, survey_offset in _candidate_offsets(row, hints):
        line = canonical_content(
            survey_id=row["survey_id"],
            call_id=row["call_id"],
            org=row["organization__code"],
            site=row["site__code"],
            supervisor=row["supervisor__code"],
            csr=row["csr__code"],
            channel=row["channel"],
            call_key=f"{call_micros}@{call_offset}",
            survey_key=f"{survey_micros}@{survey_offset}",
            resolved=row["resolved"],
            first_call=row["first_call"],
            overall_sat=row["overall_sat"],
            csr_sat=row["csr_sat"],
            scale_min=row["rating_scale_min"],
            scale_max=row["rating_scale_max"],
            comment=row["comment"],
        )
        if content_sha256(line) == row["content_sha256"]:
            return call_offset, survey_offset
    return None


def _derived_mismatches(row: dict, *, business_days: int) -> list[str]:
    """The derived columns that no longer follow from the stored answers (`business_days`: the business days from
    the row's call to its survey, counted from its local dates)."""
    top = row["rating_scale_max"]
    expected = {
        "call_month": row["call_local_date"].replace(day=1),
        "delay_seconds": (row["surveyed_at"] - row["call_at"]) // dt.timedelta(seconds=1),
        "business_days_after_call": business_days,
        "is_fcr": row["resolved"] and row["first_call"],
        "is_world_class_call": row["resolved"] and row["overall_sat"] == top and row["csr_sat"] == top,
    }
    return [name for name, value in expected.items() if row[name] != value]


def _business_days(rows: list[dict]) -> list[int]:
    """Each row's business days from its call's local date to its survey's, counted for the rows together: a numpy
    call per row cost more than the counting (3.4 of 64 s of CPU at a million surveys)."""
    counts = business_days_after_many(
        countries=np.array([row["site__country"] for row in rows]),
        starts=np.array([row["call_local_date"] for row in rows], dtype="datetime64[D]"),
        ends=np.array([row["survey_local_date"] for row in rows], dtype="datetime64[D]"),
    )
    return counts.tolist()


def _label(row: dict) -> str:
    return f"survey {row['survey_id']} of {row['organization__code']} (id {row['pk']})"


def _verify_answers(result: Findings) -> int:
    # Per site, the offset pairs of its latest matches, latest first: a site in a zone with daylight saving time
    # has two offsets, and a call and its survey on either side of a change have one each.
    hints: dict[int, list[tuple[int, int]]] = {}
    checked = 0
    rows = SurveyResponse.objects.order_by("pk").values(*_FIELDS).iterator(chunk_size=_CHUNK)
    while chunk := list(itertools.islice(rows, _CHUNK)):
        checked += len(chunk)
        for row, business_days in zip(chunk, _business_days(chunk), strict=True):
            site_hints = hints.setdefault(row["site_id"], [])
            offsets = _matching_offsets(row, site_hints)
            if offsets is None:
                result.add(f"{_label(row)}: the stored answers do not match their content_sha256")
                continue
            if not site_hints or site_hints[0] != offsets:
                if offsets in site_hints:
                    site_hints.remove(offsets)
                site_hints.insert(0, offsets)
                del site_hints[_HINTS_PER_SITE:]
            wrong = _derived_mismatches(row, business_days=business_days)
            if wrong:
                result.add(f"{_label(row)}: {', '.join(wrong)} do not follow from the stored answers")
    return checked


def verify_survey_answers(*, findings: Findings) -> int:
    """Recompute every stored answer's checksum and derived columns, adding each mismatch to `findings`; returns
    the number of surveys checked."""
    # A check of the whole store, across every organization: certifier back-office work.
    with scopes_disabled():
        return _verify_answers(findings)
