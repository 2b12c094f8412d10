from django.contrib import admin

from worldclass.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the admin shows but never adds, changes or deletes: decisions and facts change only through the
    domain functions that audit them (an admin edit would rewrite a certification or a winner silently)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "organization", "object_type", "object_id", "summary"]
    list_filter = ["action"]
    search_fields = ["actor", "summary", "object_id", "input_sha256"]
