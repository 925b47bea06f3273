"""When the node runs: ``CLEANNET_NODE_SCHEDULE`` read at each of the worker's minutes.

The schedule is read from the settings at every tick rather than fixed when the task is
declared, so a server that is not a node never runs it, and tests can change it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from huey import crontab

from cleannet.engines.feeds.schedule import cron_fields
from cleannet.server.config import NodeSettings

__all__ = ["is_due"]


def _utc_minute(at: dt.datetime) -> dt.datetime:
    """Return ``at`` as naive UTC to the minute (huey hands periodic checks naive UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.replace(second=0, microsecond=0)


def is_due(at: dt.datetime, node: NodeSettings | None = None) -> bool:
    """Return True if the node (``settings.CLEANNET_NODE`` by default) runs in ``at``'s minute.

    Never for a server without a hub URL. A schedule of N minutes is due when the minutes
    since the Unix epoch are a multiple of N (so every N minutes, whenever the worker
    started); otherwise it is five crontab fields read in UTC.
    """
    node = node or settings.CLEANNET_NODE
    if not node.is_node:
        return False
    minute = _utc_minute(at)
    if node.schedule.isdigit():
        since_epoch = int((minute - dt.datetime(1970, 1, 1)).total_seconds() // 60)
        return since_epoch % int(node.schedule) == 0
    matches: bool = crontab(**cron_fields(node.schedule), strict=True)(minute)
    return matches
