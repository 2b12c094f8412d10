"""Reads for the operations pages and exports: per-site and per-CSR figures of a month, cases, QA error rates."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import translation
from django_scopes import scopes_disabled

from worldclass.core.models import IntegrityCheck
from worldclass.core.stats import wilson_interval
from worldclass.directory.models import Person
from worldclass.operations.access import can_see_operations, visible_sites
from worldclass.operations.domain.recovery import unhappy_reasons, word_reasons
from worldclass.operations.models import (
    Call,
    InterviewReview,
    Invitation,
    RecoveryCase,
    SampleKey,
    SampleOutcome,
    SamplePlan,
)


@dataclass
class OpsRow:
    """One line of the operations report: a site or a CSR in one month."""

    key: int
    label: str
    calls: int = 0
    selected: int = 0
    invited: dict[str, int] = field(default_factory=lambda: {"web": 0, "ivr": 0, "phone": 0})
    completed: int = 0
    minutes_to_survey: list[float] = field(default_factory=list)
    cases: int = 0
    open_cases: int = 0
    quota: int | None = None

    @property
    def invited_total(self) -> int:
        return sum(self.invited.values())

    @property
    def response_rate(self) -> float | None:
        return self.completed / self.invited_total if self.invited_total else None

    @property
    def response_interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.completed, self.invited_total)

    @property
    def median_minutes_to_survey(self) -> float | None:
        return statistics.median(self.minutes_to_survey) if self.minutes_to_survey else None

    @property
    def quota_progress(self) -> float | None:
        return min(1.0, self.completed / self.quota) if self.quota else None


def _fill(rows: dict[int, OpsRow], *, key: str, calls, invitations, cases) -> None:
    for item in calls.values(key).annotate(
        n=Count("id"), selected=Count("id", filter=Q(sample_outcome=SampleOutcome.SELECTED))
    ):
        row = rows.get(item[key])
        if row is not None:
            row.calls, row.selected = item["n"], item["selected"]
    for item in invitations.values(f"call__{key}", "channel").annotate(
        n=Count("id"), completed=Count("id", filter=Q(status=Invitation.Status.COMPLETED))
    ):
        row = rows.get(item[f"call__{key}"])
        if row is not None:
            row.invited[item["channel"]] = item["n"]
            row.completed += item["completed"]
    for owner, completed_at, ended_at in invitations.filter(status=Invitation.Status.COMPLETED).values_list(
        f"call__{key}", "completed_at", "call__ended_at"
    ):
        if owner in rows:
            rows[owner].minutes_to_survey.append((completed_at - ended_at).total_seconds() / 60)
    case_key = "site_id" if key == "site_id" else "response__csr_id"
    for item in cases.values(case_key).annotate(
        n=Count("id"), open=Count("id", filter=~Q(status=RecoveryCase.Status.CLOSED))
    ):
        row = rows.get(item[case_key])
        if row is not None:
            row.cases, row.open_cases = item["n"], item["open"]


def _month_sets(*, site_ids, month: dt.date):
    calls = Call.objects.filter(site_id__in=site_ids, sample_month=month)
    invitations = Invitation.objects.filter(call__site_id__in=site_ids, call__sample_month=month)
    cases = RecoveryCase.objects.filter(site_id__in=site_ids, response__call_month=month)
    return calls, invitations, cases


def latest_call_month(*, site_ids) -> dt.date | None:
    """The most recent sample month with calls at any of these sites (the caller passes only visible sites)."""
    with scopes_disabled():
        return Call.objects.filter(site_id__in=list(site_ids)).aggregate(latest=Max("sample_month"))["latest"]


def site_rows(*, sites, month: dt.date) -> list[OpsRow]:
    """One row per site for the month, in the given order."""
    # The caller passes only sites the user may see; the figures are read for exactly those.
    with scopes_disabled():
        rows = {site.pk: OpsRow(key=site.pk, label=f"{site.organization} / {site}") for site in sites}
        calls, invitations, cases = _month_sets(site_ids=list(rows), month=month)
        _fill(rows, key="site_id", calls=calls, invitations=invitations, cases=cases)
    return list(rows.values())


def csr_rows(*, site, month: dt.date) -> list[OpsRow]:
    """One row per CSR with calls at the site in the month, with progress toward the plan's quota."""
    with scopes_disabled():
        plan = SamplePlan.objects.filter(site=site).first()
        quota = plan.target_per_csr if plan else SamplePlan._meta.get_field("target_per_csr").default
        csr_ids = set(Call.objects.filter(site=site, sample_month=month).values_list("csr_id", flat=True))
        people = Person.objects.filter(pk__in=csr_ids).order_by("code")
        rows = {p.pk: OpsRow(key=p.pk, label=str(p), quota=quota) for p in people}
        calls, invitations, cases = _month_sets(site_ids=[site.pk], month=month)
        _fill(rows, key="csr_id", calls=calls, invitations=invitations, cases=cases)
    return list(rows.values())


CASE_SORTS = {"due": ("due_at", "id"), "-due": ("-due_at", "-id"), "site": ("site__name", "due_at", "id")}


@dataclass(frozen=True)
class CaseFilters:
    """What the cases list (page, API or export) is narrowed to: None or empty means any."""

    site_id: int | None = None
    status: str | None = None
    overdue_only: bool = False
    sort: str = "due"
    organization_code: str | None = None


def cases_for(*, site_ids, now: dt.datetime, filters: CaseFilters = CaseFilters()):
    """Follow-up cases of the given sites (open ones unless a status is asked for), each marked overdue or not."""
    with scopes_disabled():
        queryset = filter_cases(RecoveryCase.objects.filter(site_id__in=site_ids), now=now, filters=filters)
        cases = list(queryset.select_related("site", "owner", "response"))
    for case in cases:
        case.is_overdue = is_overdue(case, now=now)
        case.reason_worded = case_reason(case)
    return cases


def filter_cases(queryset: QuerySet, *, now: dt.datetime, filters: CaseFilters) -> QuerySet:
    """Cases narrowed and sorted as the cases list asks (page, API): open ones unless a status is asked for."""
    if filters.organization_code:
        queryset = queryset.filter(organization__code=filters.organization_code)
    if filters.site_id is not None:
        queryset = queryset.filter(site_id=filters.site_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    else:
        queryset = queryset.exclude(status=RecoveryCase.Status.CLOSED)
    if filters.overdue_only:
        queryset = queryset.filter(due_at__lt=now).exclude(status=RecoveryCase.Status.CLOSED)
    return queryset.order_by(*CASE_SORTS.get(filters.sort, CASE_SORTS["due"]))


def case_reason(case: RecoveryCase) -> str:
    """Why the case was opened, in the active language, worded again from its survey's answers (the stored
    `reason` is English, as the API gives it); the stored reason itself should the answers no longer give it."""
    reasons = unhappy_reasons(case.response)
    with translation.override("en"):
        matches = word_reasons(reasons=reasons) == case.reason
    return word_reasons(reasons=reasons) if matches else case.reason


def is_overdue(case: RecoveryCase, *, now: dt.datetime) -> bool:
    """A case not closed by its due time."""
    return case.due_at < now and case.status != RecoveryCase.Status.CLOSED


def cases_visible_to(user) -> QuerySet:
    """Every follow-up case (any status) of the sites whose operations the user sees; none for others."""
    site_ids = [site.pk for site in visible_sites(user)] if can_see_operations(user) else []
    return RecoveryCase.objects.filter(site_id__in=site_ids)


def sites_handling_cases_for(*, user, organization_id: int | None = None, site_id: int | None = None) -> list:
    """The sites (optionally of one organization, or one site) whose service-recovery cases the user handles;
    none for a user who may not see operations."""
    if not can_see_operations(user):
        return []
    return visible_sites(user, organization_id=organization_id, site_id=site_id)


def open_cases_for(*, site_ids, now: dt.datetime):
    """Open follow-up cases of the given sites, soonest due first, each marked overdue or not."""
    return cases_for(site_ids=site_ids, now=now)


@dataclass
class InterviewerQuality:
    username: str
    completed: int
    reviewed: int
    with_errors: int
    errors: int

    @property
    def error_rate(self) -> float | None:
        return self.with_errors / self.reviewed if self.reviewed else None

    @property
    def error_interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.with_errors, self.reviewed)


def interviewer_quality() -> list[InterviewerQuality]:
    """Per interviewer: completed interviews, reviewed ones, and the share of reviews that found errors."""
    # Interviewers and QA work for the certifier across organizations.
    with scopes_disabled():
        completed = dict(
            Invitation.objects.filter(status=Invitation.Status.COMPLETED, channel="phone")
            .values("interviewer_id")
            .annotate(n=Count("id"))
            .values_list("interviewer_id", "n")
        )
        reviews = {
            item["interviewer_id"]: item
            for item in InterviewReview.objects.values("interviewer_id").annotate(
                n=Count("id"), with_errors=Count("id", filter=Q(errors__gt=0)), errors=Sum("errors")
            )
        }
    users = get_user_model().objects.filter(pk__in=set(completed) | set(reviews)).order_by("username")
    return [
        InterviewerQuality(
            username=user.username,
            completed=completed.get(user.pk, 0),
            reviewed=reviews.get(user.pk, {}).get("n", 0),
            with_errors=reviews.get(user.pk, {}).get("with_errors", 0),
            errors=reviews.get(user.pk, {}).get("errors", 0) or 0,
        )
        for user in users
    ]


def audit_page_data(*, site) -> dict:
    """What the site's audit page publishes: key commitments (and revealed keys), exclusions, recent rates."""
    with scopes_disabled():
        keys = list(SampleKey.objects.filter(organization_id=site.organization_id).order_by("-month"))
        plan = SamplePlan.objects.filter(site=site).first()
        outcomes = defaultdict(int)
        for item in Call.objects.filter(site=site).values("sample_month", "sample_outcome").annotate(n=Count("id")):
            outcomes[(item["sample_month"], item["sample_outcome"])] += item["n"]
    months = sorted({month for month, _ in outcomes}, reverse=True)
    return {
        "keys": keys,
        "plan": plan,
        "outcome_months": [
            {"month": month, "counts": [(label, outcomes[(month, value)]) for value, label in SampleOutcome.choices]}
            for month in months
        ],
    }


def latest_integrity_checks() -> list:
    """The newest run of each daily integrity check (audit chain, surveys and rollups), in that order."""
    latest = (IntegrityCheck.objects.filter(kind=kind).first() for kind in IntegrityCheck.Kind.values)
    return [check for check in latest if check is not None]
