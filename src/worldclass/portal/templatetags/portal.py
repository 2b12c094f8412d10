from django import template
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from worldclass.core.i18n import format_percentage, percentage_pattern
from worldclass.core.templatetags.localized import fraction_percentage

register = template.Library()


@register.filter
def pct(value) -> str:
    """A percentage (0 to 100) with one decimal in the active language ("81.2%", "81,2 %"), or an en dash."""
    return "\u2013" if value is None else format_percentage(value)


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


@register.simple_tag
def rate_cells(metrics, rates):
    """A table cell per rate: the percentage over its Wilson 95% interval, written as the active language writes
    percentages ("81.2%", "81,2 %"; built in Python: tables have many)."""
    separator = get_format("DECIMAL_SEPARATOR")
    pattern = percentage_pattern()

    def number(value: float) -> str:
        return f"{value:.1f}".replace(".", separator)

    cells = []
    for key, _count, _label in rates:
        rate = metrics.rate(key)
        if rate.trials:
            cells.append(
                format_html(
                    '<td class="text-end">{}<br><small class="text-body-secondary text-nowrap">{}\u2013{}</small></td>',
                    pattern % {"number": number(rate.percent)},
                    number(rate.low),
                    pattern % {"number": number(rate.high)},
                )
            )
        else:
            cells.append(mark_safe('<td class="text-end">\u2013</td>'))
    return mark_safe("".join(cells))


@register.filter
def percent(fraction) -> str:
    """A fraction in [0, 1] as a percentage with one decimal in the active language ("81.2%", "81,2 %")."""
    return fraction_percentage(fraction)


@register.simple_tag(takes_context=True)
def sort_link(context, sort: str, label) -> str:
    """A member-table heading that sorts the table by `sort` (keeping the page's other parameters, back to page 1)."""
    query = context.get("sort_query", "")
    href = f"?{query}&sort={sort}" if query else f"?sort={sort}"
    current = context.get("members_sort") == sort
    return format_html('<a href="{}"{}>{}</a>', href, mark_safe(' aria-current="true"') if current else "", label)


@register.simple_tag
def member_status(status) -> str:
    """A member's certification status in words, with the month it is certified through."""
    if status is None or status.state is None:
        return _("No survey data")
    if status.valid_through:
        return format_html(
            '<span class="badge text-bg-success">{}</span> <small>{}</small>',
            status.label,
            _("through %(month)s") % {"month": status.valid_through},
        )
    css = "text-bg-warning" if status.state == "in_progress" else "text-bg-secondary"
    return format_html('<span class="badge {}">{}</span>', css, status.label)
