"""Form fields shared by the apps' pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from worldclass.core.months import Month


class MonthInput(forms.TextInput):
    """The browser's month picker; it submits YYYY-MM, the format the field parses."""

    input_type = "month"


class MonthField(forms.Field):
    """A calendar month written YYYY-MM, cleaned to a `Month`."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2025-06.")}

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
