"""Survey-results import over the API: certifier staff upload a file and list past imports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from worldclass.accounts.rules import is_certifier_staff
from worldclass.core.api import TenantScopedAPIMixin
from worldclass.core.domain import actor_label
from worldclass.surveys.domain.importing import import_surveys_with_mapping_file
from worldclass.surveys.filters import ImportBatchFilter
from worldclass.surveys.models import ImportBatch


class IsCertifierStaff(BasePermission):
    message = "Only certifier staff may import survey results."

    def has_permission(self, request, view) -> bool:
        return is_certifier_staff(request.user)


# Errors shown with each import in the list; every recorded one is paged at survey-imports/<id>/errors/.
ERRORS_LISTED = 200


class ImportErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    field = serializers.CharField(required=False, help_text="The interchange column, when the error has one.")
    line = serializers.IntegerField(required=False, help_text="The file line (xlsx: the sheet row); 1 is the header.")


class ImportBatchSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    errors = serializers.SerializerMethodField(
        help_text=f"The refusal's code and message, then its first {ERRORS_LISTED} errors (all of them: /errors/)."
    )

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_errors(self, batch: ImportBatch) -> list[dict]:
        return batch.errors[: ERRORS_LISTED + 1]

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
    # An empty file reaches the importer, which refuses it and records the rejected attempt.
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="The survey-results file: CSV, or xlsx (by its .xlsx name or the mapping's [file] format).",
    )
    mapping = serializers.FileField(
        required=False, allow_empty_file=True, help_text="A TOML mapping file (docs/import-format.md)."
    )


class SkippedRowsSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The file column a [skip] rule reads.")
    value = serializers.CharField(allow_blank=True)
    rows = serializers.IntegerField()


class WindowEligibilitySerializer(serializers.Serializer):
    window = serializers.CharField()
    description = serializers.CharField()
    editions = serializers.ListField(child=serializers.IntegerField())
    surveys = serializers.IntegerField()
    eligible = serializers.IntegerField()
    warning = serializers.CharField(allow_blank=True, help_text="Set when fewer than half count: the likely cause.")


class ImportReportSerializer(serializers.Serializer):
    batch_id = serializers.IntegerField()
    status = serializers.CharField()
    source_name = serializers.CharField()
    sha256 = serializers.CharField()
    rows_total = serializers.IntegerField()
    rows_created = serializers.IntegerField()
    rows_unchanged = serializers.IntegerField()
    organizations = serializers.ListField(child=serializers.CharField())
    rows_skipped = serializers.IntegerField()
    skipped = SkippedRowsSerializer(many=True)
    eligibility = WindowEligibilitySerializer(many=True)
    summary = serializers.CharField()


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
        mapping_upload = upload.validated_data.get("mapping")
        mapping_file = (mapping_upload.name, mapping_upload.read()) if mapping_upload is not None else None
        uploaded = upload.validated_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            # The upload keeps its suffix: an .xlsx name is how the format is told when the mapping does not say.
            path = Path(folder) / f"upload{Path(uploaded.name or '').suffix.lower()[:8]}"
            with path.open("wb") as handle:
                for block in uploaded.chunks():
                    handle.write(block)
            report = import_surveys_with_mapping_file(
                path=path,
                mapping_file=mapping_file,
                actor=actor_label(request.user),
                user=request.user,
                source_name=uploaded.name,
            )
        code = status.HTTP_201_CREATED if report.rows_created else status.HTTP_200_OK
        return Response(ImportReportSerializer(report.as_dict()).data, status=code)


class SurveyImportErrors(TenantScopedAPIMixin, generics.ListAPIView):
    """Every recorded error of a refused import, paged, in the order of the refusal (the summary first)."""

    permission_classes = [IsAuthenticated, IsCertifierStaff]
    serializer_class = ImportErrorSerializer
    filter_backends: list = []

    def get_queryset(self):
        batch = get_object_or_404(ImportBatch.objects.only("errors"), pk=self.kwargs["pk"])
        return batch.errors[1:]
