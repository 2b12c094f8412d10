"""The dashboards' period picker: the query parameters every overview reads, validated as a form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from worldclass.core.forms import MonthField
from worldclass.core.months import Month

PERIOD_MONTHS = 12
MONTHS_CHOICES = [
    (1, _("1 month")),
    (3, _("3 months")),
    (6, _("6 months")),
    (12, _("12 months")),
    (24, _("24 months")),
]


class PeriodForm(forms.Form):
    """The months a dashboard sums: `months` months ending with `through` (default: the latest month with data)."""

    through = MonthField(label=_("Through"), required=False, help_text=_("Empty: the latest month with data."))
    months = forms.TypedChoiceField(
        label=_("Months"), choices=MONTHS_CHOICES, coerce=int, required=False, empty_value=PERIOD_MONTHS
    )

    def __init__(self, data, **kwargs):
        super().__init__({key: data[key] for key in ("through", "months") if key in data}, **kwargs)
        self.fields["through"].widget.attrs.update({"class": "form-control form-control-sm", "id": "period-through"})
        self.fields["months"].widget.attrs.update({"class": "form-select form-select-sm", "id": "period-months"})

    def choice(self) -> tuple[Month | None, int]:
        """(through month or None, months): the valid values, and the defaults in place of invalid ones."""
        self.is_valid()
        through = None if "through" in self.errors else self.cleaned_data.get("through")
        months = PERIOD_MONTHS if "months" in self.errors else self.cleaned_data.get("months")
        return through, months or PERIOD_MONTHS
