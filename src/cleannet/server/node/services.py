"""The door of the node app: every state change and look-up other code may call.

At a node: ``run_node`` (one whole run) and ``store_findings``. At the hub:
``replace_daily_counts`` and ``visible_daily_counts``. Refused input raises Django's
``ValidationError`` with a dict naming the field.
"""

from __future__ import annotations

from cleannet.server.node.daily_counts import (
    COUNT_KINDS,
    MAX_ROWS,
    DailyCount,
    replace_daily_counts,
    visible_daily_counts,
)
from cleannet.server.node.findings import store_findings
from cleannet.server.node.runner import NodeBusy, NotANode, run_node

__all__ = [
    "COUNT_KINDS",
    "MAX_ROWS",
    "DailyCount",
    "NodeBusy",
    "NotANode",
    "replace_daily_counts",
    "run_node",
    "store_findings",
    "visible_daily_counts",
]
