"""Deadlines: each step's last day ends at midnight in the cycle's time zone; staff may extend one application."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from worldclass.awards.models import Application, Cycle, DeadlineExtension, Step
from worldclass.core.errors import AppError, ErrorDetail

DEADLINE_FIELDS = {
    Step.APPLICATION: "application_deadline",
    Step.CHECKLIST: "checklist_deadline",
    Step.FINALISTS: "finalists_deadline",
    Step.STORY: "story_deadline",
    Step.WINNERS: "winners_deadline",
}


def last_day(*, cycle: Cycle, step: str, application: Application | None = None) -> dt.date:
    """The last day of a step for an application: the cycle's deadline or the application's extension."""
    day = getattr(cycle, DEADLINE_FIELDS[Step(step)])
    if application is not None and application.pk:
        extension = DeadlineExtension.objects.filter(application=application, step=step).first()
        if extension is not None:
            day = max(day, extension.until)
    return day


def deadline_end(*, cycle: Cycle, day: dt.date) -> dt.datetime:
    """The instant a last day ends: the next midnight in the cycle's time zone."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(cycle.time_zone))


def local_today(*, cycle: Cycle, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(ZoneInfo(cycle.time_zone)).date()


def describe_deadline(*, cycle: Cycle, day: dt.date) -> str:
    """The deadline's last day in the active language's date format, and the time zone it ends in."""
    return _("%(day)s at 23:59 (%(zone)s)") % {"day": date_format(day, "DATE_FORMAT"), "zone": cycle.time_zone}


def require_before_deadline(
    *, cycle: Cycle, step: str, application: Application | None = None, now: dt.datetime | None = None, field=None
) -> None:
    """Refuse late work with a message naming the deadline in the cycle's time zone."""
    day = last_day(cycle=cycle, step=step, application=application)
    if (now or timezone.now()) >= deadline_end(cycle=cycle, day=day):
        label = Step(step).label
        message = _("The deadline for %(step)s was %(deadline)s; late work is refused.") % {
            "step": label,
            "deadline": describe_deadline(cycle=cycle, day=day),
        }
        raise AppError(
            code="deadline_passed",
            message=message,
            details=[ErrorDetail(message=message, field=field)],
            status=400,
        )
