"""`{{ obj|localized:"name" }}`: a data-driven label in the active language (its `<field>_fr` when set, in French)."""

from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils.formats import date_format
from django.utils.timezone import localtime

from worldclass.core.i18n import format_count, format_percentage, in_active_language

register = template.Library()
# Dates and times are written the ISO way on every page (the templates' `date:"Y-m-d H:i"`), in either language.
ISO_MINUTE = "Y-m-d H:i"


@register.filter
def localized(obj, field: str = "name") -> str:
    return "" if obj is None else in_active_language(obj, field)


@register.filter
def grouped(value) -> str:
    """A count with the active language's thousands separator ("3,860"; "3 860" in French); an en dash for None."""
    if value is None or value == "":
        return "\u2013"
    return format_count(value)


@register.filter
def in_zone(value, zone: str) -> str:
    """A moment in the given IANA time zone (a site's), written as ISO dates are everywhere in the app
    ("2026-01-05 14:30"), labelled with the zone; UTC when the zone is unknown."""
    if value is None:
        return "\u2013"
    try:
        tz = ZoneInfo(zone) if zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz, zone = UTC, "UTC"
    return f"{date_format(localtime(value, tz), ISO_MINUTE)} ({zone or 'UTC'})"


@register.filter
def percentage(value, digits=1) -> str:
    """A percentage (0 to 100) in the active language ("81.2%", "81,2 %" in French); `|percentage:"as_is"` keeps the
    value's own decimals (a threshold of 80.00 is "80%"); an en dash for None."""
    if value is None or value == "":
        return "\u2013"
    return format_percentage(value, digits=None if digits == "as_is" else int(digits))


@register.filter
def fraction_percentage(fraction, digits=1) -> str:
    """A fraction in [0, 1] as a percentage in the active language (0.812: "81.2%", "81,2 %"); an en dash for None."""
    if fraction is None or fraction == "":
        return "\u2013"
    return format_percentage(100 * fraction, digits=int(digits))
