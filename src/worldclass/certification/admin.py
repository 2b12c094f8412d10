"""Certifier staff manage editions and program years here; runs, certifications and rollups are read-only facts.

An edition a stored run used is shown read-only (its rules are frozen, `ensure_edition_rules_editable`); every save
of an edition or a program year goes through `certification.domain.program` and is audited.
"""

from django.contrib import admin

from worldclass.certification.domain.program import (
    ensure_edition_rules_editable,
    record_edition_change,
    set_program_year_edition,
)
from worldclass.certification.models import (
    Certification,
    CertificationRun,
    Edition,
    LevelRule,
    MonthlyRollup,
    ProgramYear,
    SurveyWindow,
)
from worldclass.core.admin import ReadOnlyAdmin, StaffManagedAdmin, StaffManagedInline
from worldclass.core.domain import actor_label


def _edition_in_use(edition) -> bool:
    return edition is not None and edition.pk is not None and CertificationRun.objects.filter(edition=edition).exists()


@admin.register(SurveyWindow)
class SurveyWindowAdmin(ReadOnlyAdmin):
    """Read-only here: a new window needs its rollups rebuilt (`worldclass rebuild-rollups`)."""

    list_display = ["code", "kind", "min_minutes", "max_minutes", "business_days", "description"]


class LevelRuleInline(StaffManagedInline):
    model = LevelRule
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not _edition_in_use(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _edition_in_use(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _edition_in_use(obj)


@admin.register(Edition)
class EditionAdmin(StaffManagedAdmin):
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

    def has_change_permission(self, request, obj=None) -> bool:
        # Once a stored run used an edition its rules are frozen: staff add a new edition instead.
        return super().has_change_permission(request, obj) and not _edition_in_use(obj)

    def save_model(self, request, obj, form, change):
        ensure_edition_rules_editable(edition=obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_edition_change(
            edition=form.instance, created=not change, actor=actor_label(request.user), user=request.user
        )


@admin.register(ProgramYear)
class ProgramYearAdmin(StaffManagedAdmin):
    """The edition in force for a calendar year (publishing happens on the certifier's pages, from a run)."""

    list_display = ["year", "edition", "published_run", "published_at"]
    fields = ["year", "edition", "published_run", "published_at", "published_by"]
    readonly_fields = ["published_run", "published_at", "published_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "year"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = set_program_year_edition(
            year=obj.year, edition=obj.edition, actor=actor_label(request.user), user=request.user
        )
        obj.pk = saved.pk


@admin.register(MonthlyRollup)
class MonthlyRollupAdmin(ReadOnlyAdmin):
    list_display = ["organization", "level", "entity_id", "month", "window", "eligible", "world_class", "fcr"]
    list_filter = ["level", "window"]


@admin.register(CertificationRun)
class CertificationRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "program_year", "edition", "through_month", "require_confidence", "actor"]
    list_filter = ["program_year", "edition"]


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["edition", "organization", "level", "entity_id", "achieved_month", "valid_through_month"]
    list_filter = ["edition", "level"]
