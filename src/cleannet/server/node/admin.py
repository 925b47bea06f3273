"""Back office: the node's runs and findings, and the hub's daily counts, read-only.

Only services write them (a run, the merge of its findings, a node's counts).
"""

from __future__ import annotations

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.node.models import NodeDailyCount, NodeFinding, NodeRun


class NodeRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "status",
        "engine",
        "records",
        "bad_records",
        "matched",
        "findings",
        "unattributed",
        "counts_sent",
    )
    list_filter = ("status", "engine")
    search_fields = ("error", "note")


class NodeFindingAdmin(ReadOnlyAdmin):
    list_display = (
        "subscriber",
        "ip",
        "indicator_kind",
        "indicator",
        "family",
        "first_seen",
        "last_seen",
        "count",
    )
    list_filter = ("indicator_kind", "family")
    search_fields = ("subscriber", "ip", "indicator")
    list_select_related = ("run",)


class NodeDailyCountAdmin(ReadOnlyAdmin):
    list_display = (
        "day",
        "organisation",
        "family",
        "indicator_kind",
        "subscribers",
        "records",
        "received_at",
    )
    list_filter = ("indicator_kind", "organisation")
    date_hierarchy = "day"
    list_select_related = ("organisation",)


admin_site.register(NodeRun, NodeRunAdmin)
admin_site.register(NodeFinding, NodeFindingAdmin)
admin_site.register(NodeDailyCount, NodeDailyCountAdmin)
