"""Back office: brands, official domains and lookalike alerts, read-only for authority staff.

Only the services write them, so that every change has its audit entry (and the scorer's
allowlist only holds proven domains); analysts decide alerts on the queue page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.brands.models import Brand, LookalikeAlert, OfficialDomain


class OfficialDomainInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OfficialDomain
    fields = ("domain", "control_method", "verified_at", "last_check_at", "last_check_error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BrandAdmin(ReadOnlyAdmin):
    list_display = ("key", "name", "organisation", "keywords", "created_at")
    list_filter = ("organisation",)
    search_fields = ("key", "name", "keywords", "organisation__name")
    inlines = (OfficialDomainInline,)


class OfficialDomainAdmin(ReadOnlyAdmin):
    list_display = ("domain", "brand", "control_method", "verified_at", "last_check_at")
    list_filter = ("control_method",)
    search_fields = ("domain", "brand__key", "brand__name")
    exclude = ("control_token",)


class LookalikeAlertAdmin(ReadOnlyAdmin):
    list_display = ("host", "brand", "score", "source", "status", "seen_count", "last_seen")
    list_filter = ("status", "source", "brand")
    search_fields = ("host", "registrable", "brand__key")


admin_site.register(Brand, BrandAdmin)
admin_site.register(OfficialDomain, OfficialDomainAdmin)
admin_site.register(LookalikeAlert, LookalikeAlertAdmin)
