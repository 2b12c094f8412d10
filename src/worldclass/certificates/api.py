"""GET /api/v1/certifications/: certifications scoped like the web app, each with its certificate's status."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets

from worldclass.certificates import queries
from worldclass.certification.models import Certification, Level
from worldclass.core.api import IntegerFilter, TenantScopedAPIMixin


class CertificationFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="edition__year", label="Edition year")
    level = django_filters.ChoiceFilter(choices=Level.choices)
    organization = django_filters.CharFilter(field_name="organization__code", label="Organization code")
    site = IntegerFilter(field_name="site_id", label="Site id")
    person = IntegerFilter(field_name="person_id", label="Person id")
    achieved_from = django_filters.DateFilter(field_name="achieved_month", lookup_expr="gte")
    achieved_to = django_filters.DateFilter(field_name="achieved_month", lookup_expr="lte")
    valid_on = django_filters.DateFilter(method="filter_valid_on", label="Valid on this date (YYYY-MM-DD)")
    status = django_filters.ChoiceFilter(
        choices=[(status, status) for status in queries.STATUSES],
        method="filter_status",
        label="Certificate status today (the list page's status filter)",
    )

    class Meta:
        model = Certification
        fields = ["year", "level", "organization", "site", "person"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(
            queries.status_q(
                value,
                today=timezone.localdate(),
                revoked_at="certificate__revoked_at",
                valid_through_month="valid_through_month",
            )
        )

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(achieved_month__lte=value, valid_through_month__gte=value.replace(day=1))


class CertificationSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    certificate_serial = serializers.SerializerMethodField()
    certificate_status = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = [
            "id",
            "edition",
            "organization",
            "level",
            "entity_id",
            "site",
            "person",
            "achieved_month",
            "valid_through_month",
            "window_start",
            "window_end",
            "surveys",
            "meeting",
            "first_run",
            "certificate_serial",
            "certificate_status",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_certificate_serial(self, certification) -> str | None:
        certificate = getattr(certification, "certificate", None)
        return certificate.serial if certificate else None

    @extend_schema_field(serializers.ChoiceField(choices=["valid", "expired", "revoked"], allow_null=True))
    def get_certificate_status(self, certification) -> str | None:
        certificate = getattr(certification, "certificate", None)
        return queries.certificate_status(certificate) if certificate else None


class HasCertificateAccess(permissions.BasePermission):
    message = "Only certifier staff and organization roles read certifications."

    def has_permission(self, request, view):
        return queries.has_certificate_access(request.user)


class CertificationViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Staff read every certification; org admins their organization's; site managers their sites' and their
    people's; CSRs and supervisors their own."""

    serializer_class = CertificationSerializer
    filterset_class = CertificationFilter
    permission_classes = [permissions.IsAuthenticated, HasCertificateAccess]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no tenant scope
            return Certification.objects.none()
        return (
            queries.certifications_visible_to(self.request.user)
            .select_related("edition", "organization", "certificate")
            .order_by("-achieved_month", "id")
        )
