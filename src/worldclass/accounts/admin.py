from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_scopes import scopes_disabled

from worldclass.accounts.models import RoleAssignment, User
from worldclass.core.admin import is_certifier_staff_request
from worldclass.core.append_only import AppendOnlyModel

# Entry to /admin/ follows the certifier-staff role; each ModelAdmin then says what the role may do there.
admin.site.has_permission = is_certifier_staff_request


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    filter_horizontal = ["sites"]


def append_only_records_of(users) -> list[str]:
    """What append-only rows (the audit trail, customers' answers...) name these users, one line per kind.

    Deleting a user would rewrite those rows (their user becomes empty), which they refuse: a user who acted on the
    record is deactivated instead."""
    lines = []
    for relation in User._meta.related_objects:
        if not issubclass(relation.related_model, AppendOnlyModel) or relation.many_to_many:
            continue
        with scopes_disabled():
            count = relation.related_model._default_manager.filter(**{f"{relation.field.name}__in": users}).count()
        if count:
            lines.append(
                f"{count} {relation.related_model._meta.verbose_name_plural} name this user and cannot change; "
                "deactivate the account instead (untick Active)."
            )
    return lines


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [*DjangoUserAdmin.fieldsets, ("Directory", {"fields": ["person"]})]
    raw_id_fields = ["person"]
    inlines = [RoleAssignmentInline]

    def get_deleted_objects(self, objs, request):
        """Refuse (as Django refuses protected rows) to delete users whom append-only records name."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        users = [obj.pk for obj in objs]
        return deleted, model_count, perms_needed, [*protected, *append_only_records_of(users)]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization"]
    filter_horizontal = ["sites"]
