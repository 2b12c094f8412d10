from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pct(value) -> str:
    """A percentage with one decimal, or an en dash without data."""
    return "\u2013" if value is None else number_format(value, 1)


@register.filter
def level_label(level: str) -> str:
    return {
        "organization": _("Organization"),
        "site": _("Site"),
        "supervisor": _("Supervisor"),
        "csr": _("CSR"),
    }.get(level, level)


@register.filter
def level_plural(level: str) -> str:
    return {
        "organization": _("Organizations"),
        "site": _("Sites"),
        "supervisor": _("Supervisors"),
        "csr": _("CSRs"),
    }.get(level, level)


@register.filter
def rate(metrics, key: str):
    return metrics.rate(key)


@register.inclusion_tag("portal/_rate_cells.html")
def rate_cells(metrics, rates):
    return {"cells": [metrics.rate(key) for key, _count, _label in rates]}


@register.filter
def percent(fraction) -> str:
    """A fraction in [0, 1] as a percentage with one decimal."""
    return "\u2013" if fraction is None else number_format(100 * fraction, 1)
