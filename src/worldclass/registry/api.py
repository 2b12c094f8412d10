"""GET /api/v1/registry/<year>/: the public registry of a year, paginated and filterable; no login."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, permissions, serializers
from rest_framework.exceptions import NotFound

from worldclass.registry.queries import registry_year


class RegistryEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField(help_text="The site's or organization's code; empty for historical lines.")
    level = serializers.CharField(
        help_text="site, organization, contact_center for a historical name, statement for a historical fact."
    )
    organization = serializers.CharField()
    organization_code = serializers.CharField()
    country = serializers.CharField(help_text="The site's ISO country code, if known.")
    edition = serializers.CharField()
    certified_since = serializers.CharField(help_text="YYYY-MM; empty for historical names.")
    valid_through = serializers.CharField(help_text="YYYY-MM; empty for historical names.")
    historical = serializers.BooleanField()


COUNT_FIELDS = ["organizations", "sites", "supervisors", "csrs", "unlisted_organizations", "unlisted_sites"]


class RegistryPagination(pagination.PageNumberPagination):
    """Page-number pagination that also carries the year's edition and counts."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {
            "year": self.registry.year,
            "edition": self.registry.edition,
            "counts": asdict(self.registry.counts),
            **response.data,
        }
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"] = {
            "year": {"type": "integer"},
            "edition": {"type": "string"},
            "counts": {
                "type": "object",
                "properties": {name: {"type": "integer"} for name in COUNT_FIELDS},
                "required": COUNT_FIELDS,
            },
            **schema["properties"],
        }
        schema["required"] = ["year", "edition", "counts", "count", "results"]
        return schema


class RegistryYearView(generics.ListAPIView):
    """A registry year: the certified sites and organizations of its published run (by consent) and what was
    published before the platform, with the year's counts of certified organizations, sites, supervisors and CSRs."""

    serializer_class = RegistryEntrySerializer
    pagination_class = RegistryPagination
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=["site", "organization", "contact_center", "statement"]),
            OpenApiParameter("historical", OpenApiTypes.BOOL),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        registry = registry_year(year=self.kwargs["year"])
        if not registry.has_content:
            raise NotFound(f"No registry for {self.kwargs['year']}.")
        entries = registry.all_entries()
        level = request.query_params.get("level")
        if level:
            entries = [entry for entry in entries if entry.level == level]
        historical = request.query_params.get("historical", "").lower()
        if historical in ("true", "1", "false", "0"):
            wanted = historical in ("true", "1")
            entries = [entry for entry in entries if entry.historical == wanted]
        self.paginator.registry = registry
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_queryset(self):
        # The entries come from registry_year(), a list of value objects, not from a model queryset.
        return []
