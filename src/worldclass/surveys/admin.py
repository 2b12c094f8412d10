from django.contrib import admin

from worldclass.core.admin import ReadOnlyAdmin
from worldclass.surveys.models import ImportBatch, SurveyResponse


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "source_name",
        "organization",
        "status",
        "rows_total",
        "rows_created",
        "actor",
    ]
    list_filter = ["status"]
    search_fields = ["source_name", "sha256"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    """Read-only: customers' answers are never edited, not even by staff."""

    list_display = [
        "survey_id",
        "organization",
        "site",
        "csr",
        "channel",
        "call_at",
        "is_world_class_call",
        "is_fcr",
    ]
    list_filter = ["channel", "is_world_class_call", "is_fcr", "resolved"]
    search_fields = ["survey_id", "call_id"]
    list_select_related = ["organization", "site", "csr"]
