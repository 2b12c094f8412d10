from django.contrib import admin

from worldclass.accounts.admin_access import DecisionReadOnly
from worldclass.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(DecisionReadOnly):
    list_display = ["at", "actor", "action", "organization", "object_type", "object_id", "summary"]
    list_filter = ["action"]
    search_fields = ["actor", "summary", "object_id", "input_sha256"]
