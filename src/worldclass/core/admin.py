from django.contrib import admin

from worldclass.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "organization", "object_type", "object_id", "summary"]
    list_filter = ["action"]
    search_fields = ["actor", "summary", "object_id", "input_sha256"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
