"""Back office: reports with their incident details, messages and attachments, read-only.

Only the services write them, so that every change has its audit entry; analysts act on
the triage pages. The status link's secret digest (``status_token_hash``) is never shown,
and an attachment's place on disk neither (the triage page downloads it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.reports.models import (
    IncidentDetails,
    Report,
    ReportAttachment,
    ReportMessage,
)

ATTACHMENT_FIELDS = (
    "original_name",
    "size",
    "sha256",
    "verdict",
    "detections",
    "created_at",
    "file_deleted_at",
)
MESSAGE_FIELDS = ("created_at", "kind", "author", "body", "emailed_at")


class ReadOnlyInline:
    """Inline rows that authority staff read and nobody adds, changes or deletes here."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return getattr(request.user, "role", None) in AUTHORITY_ROLES

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IncidentInline(ReadOnlyInline, admin.StackedInline):  # type: ignore[type-arg]
    model = IncidentDetails


class MessageInline(ReadOnlyInline, admin.TabularInline):  # type: ignore[type-arg]
    model = ReportMessage
    fields = MESSAGE_FIELDS
    readonly_fields = MESSAGE_FIELDS


class AttachmentInline(ReadOnlyInline, admin.TabularInline):  # type: ignore[type-arg]
    model = ReportAttachment
    fields = ATTACHMENT_FIELDS
    readonly_fields = ATTACHMENT_FIELDS


class ReportAdmin(ReadOnlyAdmin):
    list_display = ("tracking_number", "kind", "status", "title", "group_key", "created_at")
    list_filter = ("kind", "status", "keep_confidential", "language")
    search_fields = ("=tracking_number", "title", "group_key", "reporter_email")
    list_select_related = ("organisation", "assigned_to")
    exclude = ("status_token_hash",)
    inlines = (IncidentInline, AttachmentInline, MessageInline)


class ReportMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "report", "kind", "author", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("=report__tracking_number",)
    list_select_related = ("report", "author")
    fields = ("report", *MESSAGE_FIELDS)


class ReportAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "report", "verdict", "size", "sha256", "file_deleted_at")
    list_filter = ("verdict",)
    search_fields = ("=sha256", "=report__tracking_number", "original_name")
    list_select_related = ("report",)
    fields = ("report", *ATTACHMENT_FIELDS)


admin_site.register(Report, ReportAdmin)
admin_site.register(ReportMessage, ReportMessageAdmin)
admin_site.register(ReportAttachment, ReportAttachmentAdmin)
