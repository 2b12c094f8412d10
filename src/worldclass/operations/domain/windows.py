"""When an invitation opens and when it expires: the active edition's survey window, in the site's calendar."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from worldclass.certification.queries import WindowKind, latest_edition
from worldclass.surveys.domain.eligibility import last_day_of_window

if TYPE_CHECKING:
    from worldclass.certification.models import SurveyWindow

DEFAULT_WINDOW_MINUTES = 24 * 60


def active_survey_window() -> SurveyWindow | None:
    """The survey window of the latest edition: the rules invitations are sent under."""
    edition = latest_edition()
    return edition.survey_window if edition else None


def invitation_opens_at(*, ended_at: dt.datetime) -> dt.datetime:
    return ended_at + dt.timedelta(minutes=settings.WORLDCLASS_INVITATION_OPENS_AFTER_MINUTES)


def window_closes_at(*, window: SurveyWindow | None, ended_at: dt.datetime, country: str, timezone: str) -> dt.datetime:
    """The end of the survey window for a call: minutes after it, or the end of the last local day on which a
    survey is still within the window's business days (the eligibility rule's own deadline)."""
    if window is None:
        return ended_at + dt.timedelta(minutes=DEFAULT_WINDOW_MINUTES)
    if window.kind == WindowKind.MINUTES:
        return ended_at + dt.timedelta(minutes=window.max_minutes)
    zone = ZoneInfo(timezone or "UTC")
    local_day = ended_at.astimezone(zone).date()
    last_day = last_day_of_window(country=country, call_date=local_day, business_days=window.business_days)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)
