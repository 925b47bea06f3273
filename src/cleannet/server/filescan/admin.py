"""Back office: file verdicts, read-only for authority staff (verdicts come from scans)."""

from __future__ import annotations

from django.contrib import admin

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.filescan.models import FileVerdict


class FileVerdictAdmin(ReadOnlyAdmin):
    list_display = (
        "sha256",
        "verdict",
        "size",
        "bundle_version",
        "scanned_at",
        "seen_count",
        "sample_kept_until",
        "detection_list",
    )
    list_filter = ("verdict", "bundle_version")
    search_fields = ("=sha256", "=sha1", "=md5")
    date_hierarchy = "scanned_at"

    @admin.display(description="detections")
    def detection_list(self, obj: FileVerdict) -> str:
        return ", ".join(obj.detection_names())


admin_site.register(FileVerdict, FileVerdictAdmin)
