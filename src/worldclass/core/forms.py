"""Form fields shared by the apps' pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from worldclass.core.errors import AppError, ErrorDetail
from worldclass.core.months import Month


class MonthInput(forms.TextInput):
    """The browser's month picker; it submits YYYY-MM, the format the field parses."""

    input_type = "month"

    def __init__(self, attrs=None):
        # A browser without a month picker shows a text box: its hint is the format in the reader's letters (AAAA-MM).
        super().__init__({"placeholder": pgettext_lazy("format of a month", "YYYY-MM"), **(attrs or {})})


class MonthField(forms.Field):
    """A calendar month written YYYY-MM, cleaned to a `Month`."""

    widget = MonthInput
    default_error_messages = {"invalid": gettext_lazy("Enter a month as YYYY-MM, for example 2025-06.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Month):
            return value
        try:
            return Month.parse(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return str(value) if isinstance(value, Month) else value


def invalid_query(*, name: str, message: str) -> AppError:
    """The error for a query parameter that holds a mistake: a 400 page naming the parameter."""
    return AppError(
        code="invalid_query",
        message=_("The address holds an invalid value."),
        details=[ErrorDetail(field=name, message=message)],
    )


# The largest integer a database column holds (64-bit); a larger number matches no row, and SQLite refuses to even
# compare it (OverflowError).
LARGEST_INTEGER = 2**63 - 1


def integer_param(query, name: str) -> int | None:
    """The whole-number query parameter `name` (None when absent or empty), one the database can hold; anything
    else is an `invalid_query` error."""
    text = query.get(name)
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise invalid_query(name=name, message=_("Enter a whole number.")) from None
    if not -LARGEST_INTEGER <= value <= LARGEST_INTEGER:
        raise invalid_query(name=name, message=_("Enter a whole number.")) from None
    return value


def month_param(query, name: str) -> Month | None:
    """The YYYY-MM query parameter `name` (None when absent or empty); a malformed one is an `invalid_query` error."""
    text = query.get(name)
    if not text:
        return None
    try:
        return Month.parse(text)
    except ValueError:
        raise invalid_query(name=name, message=str(MonthField.default_error_messages["invalid"])) from None
