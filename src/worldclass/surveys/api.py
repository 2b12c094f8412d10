"""Survey-results import over the API: certifier staff upload a file and list past imports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from worldclass.accounts.rules import is_certifier_staff
from worldclass.core.api import TenantScopedAPIMixin
from worldclass.core.domain import actor_label
from worldclass.surveys.domain.importing import import_surveys
from worldclass.surveys.domain.mapping import parse_mapping
from worldclass.surveys.models import ImportBatch


class IsCertifierStaff(BasePermission):
    message = "Only certifier staff may import survey results."

    def has_permission(self, request, view) -> bool:
        return is_certifier_staff(request.user)


class ImportBatchSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "started_at",
            "actor",
            "source_name",
            "sha256",
            "organization",
            "status",
            "rows_total",
            "rows_created",
            "rows_unchanged",
            "error_count",
            "errors",
            "mapping",
        ]


class SurveyImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The survey-results CSV file (UTF-8, header row).")
    mapping = serializers.FileField(required=False, help_text="A TOML mapping file (docs/import-format.md).")


class ImportReportSerializer(serializers.Serializer):
    batch_id = serializers.IntegerField()
    status = serializers.CharField()
    source_name = serializers.CharField()
    sha256 = serializers.CharField()
    rows_total = serializers.IntegerField()
    rows_created = serializers.IntegerField()
    rows_unchanged = serializers.IntegerField()
    organizations = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField()


class ImportBatchFilter(filters.FilterSet):
    class Meta:
        model = ImportBatch
        fields = ["status", "sha256"]


class SurveyImportListCreate(TenantScopedAPIMixin, generics.ListCreateAPIView):
    """List survey-results imports, or import a file (all or nothing; re-importing is a no-op)."""

    permission_classes = [IsAuthenticated, IsCertifierStaff]
    parser_classes = [MultiPartParser, FormParser]
    queryset = ImportBatch.objects.select_related("organization")
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilter

    @extend_schema(
        request=SurveyImportUploadSerializer,
        responses={
            201: ImportReportSerializer,
            200: ImportReportSerializer,
            400: OpenApiResponse(description="Invalid file or mapping: every bad line is listed."),
            409: OpenApiResponse(description="A row changes the answers of a survey already loaded."),
        },
    )
    def post(self, request, *args, **kwargs):
        upload = SurveyImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        mapping = None
        if upload.validated_data.get("mapping") is not None:
            mapping_file = upload.validated_data["mapping"]
            try:
                text = mapping_file.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise serializers.ValidationError({"mapping": "The mapping file is not UTF-8 text."}) from error
            mapping = parse_mapping(text, source=mapping_file.name)
        uploaded = upload.validated_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload.csv"
            with path.open("wb") as handle:
                for block in uploaded.chunks():
                    handle.write(block)
            report = import_surveys(
                path=path,
                mapping=mapping,
                actor=actor_label(request.user),
                user=request.user,
                source_name=uploaded.name,
            )
        code = status.HTTP_201_CREATED if report.rows_created else status.HTTP_200_OK
        return Response(ImportReportSerializer(report.as_dict()).data, status=code)
