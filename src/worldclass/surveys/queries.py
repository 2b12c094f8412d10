"""Reads of the surveys app that other apps use."""

from __future__ import annotations

from django.db.models import Count, Max
from django_scopes import scopes_disabled

from worldclass.surveys.models import SurveyResponse


def survey_count_and_last_id() -> tuple[int, int | None]:
    """How many surveys are stored, and the largest id: with append-only surveys, any new survey changes the pair."""
    with scopes_disabled():
        totals = SurveyResponse.objects.aggregate(count=Count("id"), last=Max("id"))
    return totals["count"], totals["last"]
