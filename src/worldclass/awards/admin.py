from django.contrib import admin

from worldclass.awards import models
from worldclass.core.admin import ReadOnlyAdmin


class CategoryInline(admin.TabularInline):
    model = models.Category
    extra = 0


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


@admin.register(models.Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "phase", "time_zone", "application_deadline", "winners_deadline"]
    inlines = [CriterionInline, CategoryInline]


class ChecklistItemInline(admin.TabularInline):
    model = models.ChecklistItem
    extra = 0


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "cycle", "position", "retired_at"]
    list_filter = ["cycle"]
    inlines = [ChecklistItemInline]


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Applications move through the awards pages (submissions, moves, finalists: audited); never edited here."""

    list_display = ["id", "title", "organization", "category", "status", "submitted_at"]
    list_filter = ["cycle", "status"]
    raw_id_fields = ["organization", "previous_application", "created_by", "publication_consent_by"]


@admin.register(models.ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["judge", "organization", "overridden", "reviewed_by"]


@admin.register(models.WinnerDecision)
class WinnerDecisionAdmin(ReadOnlyAdmin):
    """Winners are decided and published on the awards pages (audited); never edited here."""

    list_display = ["cycle", "category", "application", "decided_by", "decided_at", "published_at"]
    list_filter = ["cycle"]


# Decisions and their records: shown, never edited here (the domain functions audit every change).
for model in (models.Scorecard, models.CategoryMove, models.DeadlineExtension):
    admin.site.register(model, ReadOnlyAdmin)

for model in (
    models.Interview,
    models.PanelMember,
    models.JudgeAssignment,
    models.SentReminder,
    models.GalaAttendee,
    models.EvidenceComparison,
):
    admin.site.register(model)
