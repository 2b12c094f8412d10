"""Read API for organizations, sites, people and monthly metrics, scoped like the dashboards."""

from __future__ import annotations

import django_filters
from rest_framework import permissions, viewsets
from rest_framework.response import Response

from worldclass.accounts.queries import organizations_visible_to, people_visible_to, sites_visible_to
from worldclass.accounts.rules import grants_for
from worldclass.certification.models import Level, MonthlyRollup
from worldclass.certification.queries import rollups_visible_to
from worldclass.core.api import IntegerFilter, TenantScopedAPIMixin
from worldclass.core.page_cache import cached_data
from worldclass.directory.models import Organization, Person, Site
from worldclass.portal.serializers import (
    MonthlyMetricSerializer,
    OrganizationSerializer,
    PersonSerializer,
    SiteSerializer,
)


class SeesDashboards(permissions.BasePermission):
    """Judges, interviewers and QA reviewers have no dashboard data to read."""

    def has_permission(self, request, view) -> bool:
        return grants_for(request.user).sees_dashboards


class _ReadOnly(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Rows of `model` that `visible(user)` lets the user read, with `related` joined, in `ordering`."""

    permission_classes = [permissions.IsAuthenticated, SeesDashboards]
    page_cache = True  # list and retrieve answers are kept while the database is unchanged (core/page_cache.py)
    model: type
    visible: staticmethod
    related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no scope
            return self.model._base_manager.none()
        return self.visible(self.request.user).select_related(*self.related).order_by(*self.ordering)

    def list(self, request, *args, **kwargs):
        # The rows and page links, served again to the same user while the database is unchanged.
        data = cached_data(request, lambda: super(_ReadOnly, self).list(request, *args, **kwargs).data, name=self._name)
        return Response(data)

    def retrieve(self, request, *args, **kwargs):
        data = cached_data(
            request, lambda: super(_ReadOnly, self).retrieve(request, *args, **kwargs).data, name=self._name
        )
        return Response(data)

    @property
    def _name(self) -> str:
        return f"{type(self).__module__}.{type(self).__qualname__}.{self.action}{sorted(self.kwargs.items())!r}"


class OrganizationFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    is_client = django_filters.BooleanFilter()

    class Meta:
        model = Organization
        fields = []


class OrganizationViewSet(_ReadOnly):
    """Organizations whose organization-level figures you may read."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    model = Organization
    visible = staticmethod(organizations_visible_to)
    ordering = ("code",)


# Filters are declared rather than generated: generating them reads the scoped managers outside any scope.
class SiteFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organization__code", help_text="Organization code.")
    code = django_filters.CharFilter()
    country = django_filters.CharFilter()

    class Meta:
        model = Site
        fields = []


class SiteViewSet(_ReadOnly):
    """Sites you may read: all for certifier staff, your organization's, or the sites you manage."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    model = Site
    visible = staticmethod(sites_visible_to)
    related = ("organization",)
    ordering = ("organization", "code")


class PersonFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organization__code", help_text="Organization code.")
    code = django_filters.CharFilter()
    site = IntegerFilter(field_name="site_id", help_text="Site id.")
    supervisor = IntegerFilter(field_name="supervisor_id", help_text="Supervisor's person id.")
    is_csr = django_filters.BooleanFilter()
    is_supervisor = django_filters.BooleanFilter()

    class Meta:
        model = Person
        fields = []


class PersonViewSet(_ReadOnly):
    """CSRs and supervisors you may read."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    model = Person
    visible = staticmethod(people_visible_to)
    related = ("organization",)
    ordering = ("organization", "code")


class MonthlyMetricFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organization__code")
    window = django_filters.CharFilter(field_name="window__code", help_text="Survey window code.")
    level = django_filters.ChoiceFilter(choices=Level.choices)
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", help_text="YYYY-MM-DD, inclusive.")
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte", help_text="YYYY-MM-DD, inclusive.")
    entity_id = IntegerFilter(help_text="Person id (csr, supervisor), site id or organization id.")

    class Meta:
        model = MonthlyRollup
        fields = []


class MonthlyMetricViewSet(_ReadOnly):
    """Monthly counts and rates (with Wilson 95% intervals) per entity and survey window, from the rollups."""

    serializer_class = MonthlyMetricSerializer
    filterset_class = MonthlyMetricFilter
    model = MonthlyRollup
    visible = staticmethod(rollups_visible_to)
    related = ("organization", "window")
    ordering = ("level", "entity_id", "month", "window_id")  # the unique key's order (certification 0008)
