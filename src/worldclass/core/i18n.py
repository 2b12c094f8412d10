"""Data-driven labels in the active language: a model's `<field>_fr` when French is active and it is set."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext

from worldclass.core.errors import fill_template


def gettext_noop(message: str) -> str:
    """Mark `message` for `makemessages`, as Django's `gettext_noop` does, without reading settings (Django's reads
    USE_I18N): modules that make their messages at import, such as the survey importer's rules, are also imported
    where settings are not configured yet (a benchmark generating its file)."""
    return message


def in_active_language(obj, field: str = "name") -> str:
    """`obj.<field>_fr` in French when set, else `obj.<field>`; a dict (signed facts) is read by key."""
    read = obj.get if isinstance(obj, dict) else lambda name, default=None: getattr(obj, name, default)
    french = read(f"{field}_fr", "")
    if french and (get_language() or "").startswith("fr"):
        return french
    return read(field, "")


def format_count(value) -> str:
    """A count with the active language's thousands separator: "3,860" in English, "3 860" in French."""
    return number_format(value, force_grouping=True)


def percentage_pattern() -> str:
    """The active language's way of writing a percentage, as a %-format of `number`: "%(number)s%%" in English,
    with a no-break space before the sign in French ("81,2 %")."""
    return pgettext("percentage", "%(number)s%%")


def format_percentage(value, *, digits: int | None = 1) -> str:
    """A percentage (0 to 100) in the active language: "81.2%" in English, "81,2 %" in French. `digits=None` keeps
    the value's own decimals without trailing zeros (a threshold of 80.00 is "80%", 72.50 is "72.5%")."""
    if digits is None and isinstance(value, Decimal):
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return percentage_pattern() % {"number": number_format(value, digits)}


def in_active_language_worded(stored: dict) -> str:
    """A stored message (`ErrorDetail.as_dict()` with its `wording()`) in the active language: its template
    translated and filled with its values, numbers written as the language writes them. A message stored without
    a template, or whose translation does not fit its values, keeps its stored (English) text."""
    template = stored.get("template")
    if not template:
        return stored.get("message", "")
    params = stored.get("params", {})
    try:
        return gettext(template).format(**{name: _worded_value(value) for name, value in params.items()})
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return stored.get("message") or fill_template(template, params)


class _LocalNumber(int):
    """A whole number that a `{count:,}` field writes with the active language's grouping (1 234 in French)."""

    def __format__(self, spec: str) -> str:
        return format_count(int(self)) if spec == "," else format(int(self), spec)


def _worded_value(value):
    if isinstance(value, dict) and "template" in value:
        return in_active_language_worded(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _LocalNumber(value)
    return value
