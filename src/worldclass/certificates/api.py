"""GET /api/v1/certifications/: certifications scoped like the web app, each with its certificate's status; and
GET /api/v1/trophies/: staff's trophy orders, with the trophies page's filters."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django_scopes import scopes_disabled
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, permissions, serializers, viewsets

from worldclass.accounts.rules import is_certifier_staff
from worldclass.certificates import queries
from worldclass.certificates.models import Certificate
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


class TrophyFilter(django_filters.FilterSet):
    """Read here, applied by `queries.filter_trophy_certificates` (the trophies page's and its CSV's filter)."""

    year = IntegerFilter(help_text="Edition year.")
    level = django_filters.ChoiceFilter(choices=[(level.value, level.label) for level in queries.TROPHY_LEVELS])

    class Meta:
        model = Certificate
        fields: list = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return queries.filter_trophy_certificates(queryset, year=data.get("year"), level=data.get("level") or None)


class TrophySerializer(serializers.Serializer):
    serial = serializers.CharField()
    level = serializers.CharField(help_text="site or organization")
    entity = serializers.CharField(help_text="The certified site's or organization's name.")
    organization = serializers.CharField()
    edition = serializers.CharField()
    wording = serializers.CharField()
    year = serializers.IntegerField()
    certified_since = serializers.CharField(help_text="YYYY-MM")
    ship_to_site = serializers.CharField(allow_blank=True)
    ship_to = serializers.CharField(allow_blank=True, help_text="The postal address to ship to.")


class IsCertifierStaff(permissions.BasePermission):
    message = "Only certifier staff read trophy orders."

    def has_permission(self, request, view):
        return is_certifier_staff(request.user)


class TrophyList(TenantScopedAPIMixin, generics.ListAPIView):
    """Staff: the trophies to engrave and ship (live certificates of sites and organizations), by edition year."""

    serializer_class = TrophySerializer
    filterset_class = TrophyFilter
    permission_classes = [permissions.IsAuthenticated, IsCertifierStaff]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no tenant scope
            with scopes_disabled():
                return Certificate.objects.none()
        return queries.trophy_certificates()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TrophySerializer(queries.trophy_rows(page), many=True).data)
