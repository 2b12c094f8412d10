"""API filters: the service-recovery cases list takes the cases page's filters and sort (`queries.filter_cases`)."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from worldclass.core.api import IntegerFilter
from worldclass.operations.models import RecoveryCase
from worldclass.operations.queries import CASE_SORTS, CaseFilters, filter_cases


class RecoveryCaseFilter(django_filters.FilterSet):
    """The parameters are read here and applied by `filter_cases`, the cases page's own query, in one place."""

    organization = django_filters.CharFilter(help_text="Organization code.")
    site = IntegerFilter(help_text="Site id.")
    status = django_filters.ChoiceFilter(
        choices=RecoveryCase.Status.choices, help_text="Cases of this status; without it, the cases not closed."
    )
    overdue = django_filters.BooleanFilter(help_text="true: only the cases past their due time and not closed.")
    sort = django_filters.ChoiceFilter(
        choices=[(sort, sort) for sort in CASE_SORTS],
        help_text="due (soonest first, the default), -due (latest first) or site (by site name).",
    )

    class Meta:
        model = RecoveryCase
        fields: list = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        filters = CaseFilters(
            organization_code=data.get("organization") or None,
            site_id=data.get("site"),
            status=data.get("status") or None,
            overdue_only=bool(data.get("overdue")),
            sort=data.get("sort") or "due",
        )
        return filter_cases(queryset, now=timezone.now(), filters=filters)
