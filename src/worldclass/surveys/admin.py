from django.contrib import admin

from worldclass.surveys.models import ImportBatch, SurveyResponse


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
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
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
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
    readonly_fields = [f.name for f in SurveyResponse._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
