"""The runs list's filters, one FilterSet for the runs page and the API (`/api/v1/certification-runs/`)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from worldclass.certification.models import CertificationRun
from worldclass.core.api import IntegerFilter

_NUMBER = {"class": "form-control form-control-sm", "inputmode": "numeric"}
_MONTH = {"class": "form-control form-control-sm", "type": "date"}


class CertificationRunFilter(django_filters.FilterSet):
    program_year = IntegerFilter(
        label=_("Year of the runs"),
        help_text="The program year the run certifies.",
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    edition = IntegerFilter(
        field_name="edition__year",
        label=_("Edition year"),
        help_text="The year of the edition whose rules it applied.",
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    through_from = django_filters.DateFilter(
        field_name="through_month",
        lookup_expr="gte",
        label=_("Evaluated from"),
        help_text="Evaluated through this month or later (YYYY-MM-DD).",
        widget=forms.DateInput(attrs=_MONTH),
    )
    through_to = django_filters.DateFilter(
        field_name="through_month",
        lookup_expr="lte",
        label=_("Evaluated up to"),
        help_text="Evaluated through this month or earlier (YYYY-MM-DD).",
        widget=forms.DateInput(attrs=_MONTH),
    )

    class Meta:
        model = CertificationRun
        fields: list = []
