from __future__ import annotations

from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, RoleAdmin, admin_site
from cleannet.server.accounts.models import ApiToken, AuditEntry, Organisation, User


class OrganisationAdmin(RoleAdmin):
    list_display = ("name", "kind", "slug", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "slug")


class UserAdmin(RoleAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "email", "role", "organisation", "is_active")
    list_filter = ("role", "is_active", "organisation__kind")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("CleanNet", {"fields": ("role", "organisation")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "email", "role", "organisation", "password1", "password2")}),
    )


class ApiTokenAdmin(RoleAdmin):
    list_display = (
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return False  # tokens are issued through the service, which shows the secret once


class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id", "action")


admin_site.register(Organisation, OrganisationAdmin)
admin_site.register(User, UserAdmin)
admin_site.register(ApiToken, ApiTokenAdmin)
admin_site.register(AuditEntry, AuditEntryAdmin)
