"""`{{ obj|localized:"name" }}`: a data-driven label in the active language (its `<field>_fr` when set, in French)."""

from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime

from worldclass.core.i18n import in_active_language

register = template.Library()


@register.filter
def localized(obj, field: str = "name") -> str:
    return "" if obj is None else in_active_language(obj, field)


@register.filter
def grouped(value) -> str:
    """A count with the active language's thousands separator ("3,860"; "3 860" in French); an en dash for None."""
    if value is None or value == "":
        return "\u2013"
    return number_format(value, force_grouping=True)


@register.filter
def in_zone(value, zone: str) -> str:
    """A moment in the given IANA time zone (a site's), in the active language's format, labelled with the zone;
    UTC when the zone is unknown."""
    if value is None:
        return "\u2013"
    try:
        tz = ZoneInfo(zone) if zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz, zone = UTC, "UTC"
    return f"{date_format(localtime(value, tz), 'SHORT_DATETIME_FORMAT')} ({zone or 'UTC'})"
