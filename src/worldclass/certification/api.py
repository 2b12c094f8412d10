"""GET /api/v1/certification-runs/: certifier staff read the stored runs, newest first, as the runs page lists them."""

from __future__ import annotations

import django_filters
from rest_framework import generics, permissions, serializers

from worldclass.accounts.rules import is_certifier_staff
from worldclass.certification import run_queries
from worldclass.certification.models import CertificationRun
from worldclass.core.api import IntegerFilter, TenantScopedAPIMixin


class CertificationRunFilter(django_filters.FilterSet):
    program_year = IntegerFilter(help_text="The program year the run certifies.")
    edition = IntegerFilter(field_name="edition__year", help_text="The year of the edition whose rules it applied.")
    through_from = django_filters.DateFilter(
        field_name="through_month", lookup_expr="gte", help_text="Evaluated through this month or later (YYYY-MM-DD)."
    )
    through_to = django_filters.DateFilter(
        field_name="through_month", lookup_expr="lte", help_text="Evaluated through this month or earlier (YYYY-MM-DD)."
    )

    class Meta:
        model = CertificationRun
        fields: list = []


class CertificationRunSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)

    class Meta:
        model = CertificationRun
        fields = [
            "id",
            "program_year",
            "edition",
            "through_month",
            "require_confidence",
            "started_at",
            "actor",
            "input_sha256",
            "result_sha256",
            "counts",
        ]


class IsCertifierStaff(permissions.BasePermission):
    message = "Only certifier staff read certification runs."

    def has_permission(self, request, view):
        return is_certifier_staff(request.user)


class CertificationRunList(TenantScopedAPIMixin, generics.ListAPIView):
    """Every stored certification run, newest first (the runs page's list)."""

    serializer_class = CertificationRunSerializer
    filterset_class = CertificationRunFilter
    permission_classes = [permissions.IsAuthenticated, IsCertifierStaff]

    def get_queryset(self):
        return run_queries.runs()
