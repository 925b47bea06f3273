"""Back office: campaigns with their participants, the ISPs' actions, baselines and
snapshots, read-only for authority staff.

Only the services write them (each change with its audit entry; baselines are fixed once and
snapshots are replaced by the daily measurement), so the back office only shows them; the
campaign pages in the workspace are where campaigns are created, launched and closed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.campaigns.models import (
    Campaign,
    CampaignAction,
    CampaignBaseline,
    CampaignSnapshot,
    Participant,
)


class ParticipantInline(admin.TabularInline):  # type: ignore[type-arg]
    """The ISPs of a campaign, shown to every role that may read campaigns (an inline would
    otherwise ask Django's model permissions, which only superusers hold here)."""

    model = Participant
    fields = ("organisation", "status", "goal_reduction", "responded_at", "responded_by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return getattr(request.user, "role", None) in ReadOnlyAdmin.view_roles

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "status", "starts_on", "ends_on", "goal_reduction", "public")
    list_filter = ("status", "public")
    search_fields = ("name", "slug")
    date_hierarchy = "starts_on"
    inlines = (ParticipantInline,)


class CampaignActionAdmin(ReadOnlyAdmin):
    list_display = ("taken_on", "participant", "kind", "count", "recorded_by", "recorded_at")
    list_filter = ("kind", "participant__campaign")
    search_fields = (
        "description",
        "participant__organisation__name",
        "participant__campaign__name",
    )
    list_select_related = ("participant__campaign", "participant__organisation", "recorded_by")


class CampaignBaselineAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "organisation", "family", "addresses", "window_start", "window_end")
    list_filter = ("campaign",)
    search_fields = ("family", "organisation__name", "campaign__name")
    list_select_related = ("campaign", "organisation")


class CampaignSnapshotAdmin(ReadOnlyAdmin):
    list_display = (
        "day",
        "campaign",
        "organisation",
        "family",
        "addresses",
        "addresses_window",
        "sent",
        "acknowledged",
        "reinfected",
    )
    list_filter = ("campaign",)
    search_fields = ("family", "organisation__name", "campaign__name")
    date_hierarchy = "day"
    list_select_related = ("campaign", "organisation")


admin_site.register(Campaign, CampaignAdmin)
admin_site.register(CampaignAction, CampaignActionAdmin)
admin_site.register(CampaignBaseline, CampaignBaselineAdmin)
admin_site.register(CampaignSnapshot, CampaignSnapshotAdmin)
