from django.contrib import admin

from worldclass.certificates.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued and revoked through the domain, which signs and audits."""

    list_display = ["serial", "organization", "issued_at", "key_id", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["serial"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
