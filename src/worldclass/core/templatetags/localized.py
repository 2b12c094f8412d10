"""`{{ obj|localized:"name" }}`: a data-driven label in the active language (its `<field>_fr` when set, in French)."""

from django import template
from django.utils.formats import number_format

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
