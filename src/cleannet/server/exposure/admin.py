"""Back office: scopes, opt-outs, runs and findings, read-only for authority staff.

Only the services write them, so every scope change, opt-out and scan has its audit entry.
"""

from __future__ import annotations

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.exposure.models import ExposureFinding, OptOut, ScanRun, ScanScope


class ScanScopeAdmin(ReadOnlyAdmin):
    list_display = ("name", "title", "owner", "approved_until", "schedule", "enabled")
    list_filter = ("enabled", "owner")
    search_fields = ("name", "title", "approval_reference")


class OptOutAdmin(ReadOnlyAdmin):
    list_display = ("network", "hostname", "reason", "added_by", "added_at")
    search_fields = ("network", "hostname", "reason")


class ScanRunAdmin(ReadOnlyAdmin):
    list_display = ("scope", "status", "started_by", "started_at", "finished_at", "findings")
    list_filter = ("status", "scope")


class ExposureFindingAdmin(ReadOnlyAdmin):
    list_display = ("ip", "port", "tag", "severity", "owner", "scope", "last_seen", "fixed_at")
    list_filter = ("severity", "tag", "scope")
    search_fields = ("ip", "tag", "product")


admin_site.register(ScanScope, ScanScopeAdmin)
admin_site.register(OptOut, OptOutAdmin)
admin_site.register(ScanRun, ScanRunAdmin)
admin_site.register(ExposureFinding, ExposureFindingAdmin)
