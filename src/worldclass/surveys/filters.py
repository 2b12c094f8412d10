"""The import list's filters, one FilterSet for the history page and the API (`/api/v1/survey-imports/`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from worldclass.surveys.models import ImportBatch

_TEXT = {"class": "form-control form-control-sm"}
_DATE = {"class": "form-control form-control-sm", "type": "date"}


class ImportBatchFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=ImportBatch.Status.choices,
        label=_("Result"),
        empty_label=_("Any"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    organization = filters.CharFilter(
        field_name="organization__code",
        label=_("Organization code"),
        help_text="Organization code.",
        widget=forms.TextInput(attrs=_TEXT),
    )
    started_from = filters.DateFilter(
        field_name="started_at",
        lookup_expr="date__gte",
        label=_("From"),
        help_text="Started on or after this day (YYYY-MM-DD).",
        widget=forms.DateInput(attrs=_DATE),
    )
    started_to = filters.DateFilter(
        field_name="started_at",
        lookup_expr="date__lte",
        label=_("To"),
        help_text="Started on or before this day (YYYY-MM-DD).",
        widget=forms.DateInput(attrs=_DATE),
    )
    sha256 = filters.CharFilter(label=_("File checksum (SHA-256)"), widget=forms.TextInput(attrs=_TEXT))

    class Meta:
        model = ImportBatch
        fields = ["status", "organization", "started_from", "started_to", "sha256"]
