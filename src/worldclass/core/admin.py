"""What the certifier-staff role may do in /admin/, and the audit trail's (read-only) admin.

Permissions come from the role, not from Django's per-model permissions: the admin asks for the permission
`accounts.certifier_staff`, which `accounts.rules` grants from the role (core imports no app). Certifier staff
manage reference data (`StaffManagedAdmin`); decisions and facts (`ReadOnlyAdmin`: runs, certifications, surveys,
winners, the audit trail) they see, and nobody adds, changes or deletes here, superusers included: those change
only through the domain functions that audit them.
"""

from django.contrib import admin

from worldclass.core.models import AuditEvent

CERTIFIER_STAFF_PERMISSION = "accounts.certifier_staff"


def is_certifier_staff_request(request) -> bool:
    """The admin's one question: is the signed-in user active certifier staff (by role, or a superuser)?"""
    user = request.user
    return bool(user.is_active and user.has_perm(CERTIFIER_STAFF_PERMISSION))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the admin shows but never adds, changes or deletes: decisions and facts change only through the
    domain functions that audit them (an admin edit would rewrite a certification or a winner silently)."""

    def has_module_permission(self, request) -> bool:
        return is_certifier_staff_request(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_certifier_staff_request(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffManagedAdmin(admin.ModelAdmin):
    """Reference data certifier staff add, view and change (never delete here: history refers to it)."""

    def has_module_permission(self, request) -> bool:
        return is_certifier_staff_request(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_certifier_staff_request(request)

    def has_add_permission(self, request) -> bool:
        return is_certifier_staff_request(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_certifier_staff_request(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class StaffManagedInline(admin.TabularInline):
    """An inline of reference data, with the role-derived permissions of its parent."""

    def has_view_permission(self, request, obj=None) -> bool:
        return is_certifier_staff_request(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_certifier_staff_request(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_certifier_staff_request(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_certifier_staff_request(request)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "organization", "object_type", "object_id", "summary"]
    list_filter = ["action"]
    search_fields = ["actor", "summary", "object_id", "input_sha256"]
