from django.contrib import admin

from worldclass.certification.models import (
    Certification,
    CertificationRun,
    Edition,
    LevelRule,
    MonthlyRollup,
    SurveyWindow,
)
from worldclass.core.admin import ReadOnlyAdmin


@admin.register(SurveyWindow)
class SurveyWindowAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "min_minutes", "max_minutes", "business_days", "description"]


class LevelRuleInline(admin.TabularInline):
    model = LevelRule
    extra = 0


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "name",
        "metric",
        "comparison",
        "min_consecutive_months",
        "survey_window",
        "organization_rule",
    ]
    inlines = [LevelRuleInline]


@admin.register(MonthlyRollup)
class MonthlyRollupAdmin(ReadOnlyAdmin):
    list_display = ["organization", "level", "entity_id", "month", "window", "eligible", "world_class", "fcr"]
    list_filter = ["level", "window"]


@admin.register(CertificationRun)
class CertificationRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "edition", "through_month", "require_confidence", "actor", "input_sha256"]


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["edition", "organization", "level", "entity_id", "achieved_month", "valid_through_month"]
    list_filter = ["edition", "level"]
    raw_id_fields = ["site", "person", "first_run", "organization"]
