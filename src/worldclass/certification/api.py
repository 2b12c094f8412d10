"""GET /api/v1/certification-runs/: certifier staff read the stored runs, newest first, as the runs page lists them."""

from __future__ import annotations

from rest_framework import generics, permissions, serializers

from worldclass.accounts.rules import is_certifier_staff
from worldclass.certification import run_queries
from worldclass.certification.filters import CertificationRunFilter
from worldclass.certification.models import CertificationRun
from worldclass.core.api import TenantScopedAPIMixin


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
