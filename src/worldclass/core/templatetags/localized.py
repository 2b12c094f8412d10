"""`{{ obj|localized:"name" }}`: a data-driven label in the active language (its `<field>_fr` when set, in French)."""

from django import template

from worldclass.core.i18n import in_active_language

register = template.Library()


@register.filter
def localized(obj, field: str = "name") -> str:
    return "" if obj is None else in_active_language(obj, field)
