"""Who may do what in /admin/: derived from the certifier-staff role, not from Django's per-model permissions.

Certifier staff manage reference data (organizations, sites, people, editions, program years). Decisions (runs,
certifications, surveys, winners) and the audit trail are visible to them and editable by no one, superusers
included: they change only through their domain functions, which audit them.
"""

from __future__ import annotations

from django.contrib import admin

from worldclass.certificates.queries import is_certifier_staff


def _is_staff(request) -> bool:
    return bool(request.user.is_active and is_certifier_staff(request.user))


def admit_certifier_staff(request) -> bool:
    """The admin site's entry check: an active user with the certifier-staff role (or Django staff)."""
    return _is_staff(request)


class ManagedByCertifierStaff(admin.ModelAdmin):
    """Reference data certifier staff add, view and change (never delete: history refers to it)."""

    def has_module_permission(self, request) -> bool:
        return _is_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_staff(request)

    def has_add_permission(self, request) -> bool:
        return _is_staff(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_staff(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DecisionReadOnly(admin.ModelAdmin):
    """A decision or a fact: certifier staff see it; nobody adds, changes or deletes it here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_module_permission(self, request) -> bool:
        return _is_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_staff(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ManagedInline(admin.TabularInline):
    """An inline of reference data, with the same role-derived permissions as its parent."""

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_staff(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return _is_staff(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_staff(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_staff(request)
