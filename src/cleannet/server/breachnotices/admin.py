"""Back office: breach notices, their messages and reminders, read-only.

Only the services write them, so that every change has its audit entry; analysts act
through the pages (acknowledge, follow-up, close).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.breachnotices.models import BreachNotice, NoticeMessage, ReminderSent, Status


class BreachNoticeAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "organisation",
        "summary",
        "status",
        "discovered_at",
        "due_at",
        "filed_at",
        "people_affected",
    )
    list_filter = ("status", "organisation")
    search_fields = ("reference", "summary", "organisation__name")

    def get_queryset(self, request: HttpRequest) -> Any:
        # A draft is the organisation's own until it is filed, as on the pages.
        return super().get_queryset(request).exclude(status=Status.DRAFT)


class NoticeMessageAdmin(ReadOnlyAdmin):
    list_display = ("at", "notice", "kind", "author_label")
    list_filter = ("kind",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).exclude(notice__status=Status.DRAFT)


class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "notice", "audience", "threshold_hours", "recipients")
    list_filter = ("audience", "threshold_hours")


admin_site.register(BreachNotice, BreachNoticeAdmin)
admin_site.register(NoticeMessage, NoticeMessageAdmin)
admin_site.register(ReminderSent, ReminderSentAdmin)
