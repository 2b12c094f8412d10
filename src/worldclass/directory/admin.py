from django.contrib import admin

from worldclass.core.admin import StaffManagedAdmin
from worldclass.directory.models import Organization, Person, Site


@admin.register(Organization)
class OrganizationAdmin(StaffManagedAdmin):
    list_display = ["code", "name", "is_client", "listed_in_registry", "created_at"]
    list_filter = ["is_client", "listed_in_registry"]
    search_fields = ["code", "name"]


@admin.register(Site)
class SiteAdmin(StaffManagedAdmin):
    list_display = ["organization", "code", "name", "country", "timezone"]
    list_filter = ["country"]
    search_fields = ["code", "name", "organization__code"]
    raw_id_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(StaffManagedAdmin):
    list_display = ["organization", "code", "name", "site", "supervisor", "is_csr", "is_supervisor"]
    list_filter = ["is_csr", "is_supervisor"]
    search_fields = ["code", "name", "organization__code"]
    raw_id_fields = ["organization", "site", "supervisor"]
