"""Back office: published signature bundles and uploaded scan reports, read-only for
authority staff. Bundles are made by ``cleannet scanner build-bundle`` or the daily task;
reports arrive from scanners only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.scanhub.models import ScanReportUpload, SignatureBundle


class SignatureBundleAdmin(ReadOnlyAdmin):
    list_display = ("version", "created_at", "size", "key_id", "built_by_label")
    search_fields = ("version", "sha256")
    readonly_fields = (
        "version",
        "created_at",
        "sha256",
        "size",
        "key_id",
        "file",
        "counts",
        "built_by_label",
    )
    exclude = ("sort_key", "built_by")


class ScanReportUploadAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "scanner_version",
        "bundle_version",
        "exit_code",
        "detection_count",
        "files",
    )
    list_filter = ("exit_code", "paths_included")
    search_fields = ("bundle_version", "scanner_version")
    exclude = ("rate_bucket",)  # of no use to a person, and linked to an address for an hour

    @admin.display(description=_("files"))
    def files(self, obj: ScanReportUpload) -> int:
        return int(obj.totals.get("files", 0))


admin_site.register(SignatureBundle, SignatureBundleAdmin)
admin_site.register(ScanReportUpload, ScanReportUploadAdmin)
