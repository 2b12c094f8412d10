"""Reads of the surveys app that other apps use (they may not import its models)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Max, Q, QuerySet
from django_scopes import scopes_disabled

from worldclass.surveys.models import SurveyResponse


def survey_count_and_last_id() -> tuple[int, int | None]:
    """How many surveys are stored, and the largest id: with append-only surveys, any new survey changes the pair."""
    with scopes_disabled():
        totals = SurveyResponse.objects.aggregate(count=Count("id"), last=Max("id"))
    return totals["count"], totals["last"]


def customer_comments(
    *,
    level: str,
    entity,
    unresolved: bool = False,
    low_rating: bool = False,
    month: dt.date | None = None,
    csr_id: int | None = None,
) -> QuerySet[SurveyResponse]:
    """Customers' verbatim comments about the calls of an organization, site, supervisor or CSR, newest first.

    A low rating is one of the two lowest points of the survey's scale on either question."""
    field_name = {"organization": "organization", "site": "site", "supervisor": "supervisor", "csr": "csr"}[level]
    queryset = SurveyResponse.objects.filter(**{field_name: entity}).exclude(comment="")
    if unresolved:
        queryset = queryset.filter(resolved=False)
    if low_rating:
        queryset = queryset.filter(
            Q(overall_sat__lte=F("rating_scale_min") + 1) | Q(csr_sat__lte=F("rating_scale_min") + 1)
        )
    if month is not None:
        queryset = queryset.filter(call_month=month)
    if csr_id is not None:
        queryset = queryset.filter(csr_id=csr_id)
    return queryset.select_related("csr", "site").order_by("-call_at", "-id")
