from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from worldclass.accounts.forms import ThrottledAdminAuthenticationForm
from worldclass.accounts.models import RoleAssignment, User
from worldclass.core.admin import is_certifier_staff_request

# The admin's own login page is throttled like /accounts/login/.
admin.site.login_form = ThrottledAdminAuthenticationForm
# Entry to /admin/ follows the certifier-staff role; each ModelAdmin then says what the role may do there.
admin.site.has_permission = is_certifier_staff_request


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    filter_horizontal = ["sites"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [*DjangoUserAdmin.fieldsets, ("Directory", {"fields": ["person"]})]
    raw_id_fields = ["person"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization"]
    filter_horizontal = ["sites"]
