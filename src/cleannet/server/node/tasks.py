"""The worker's node task: at the times ``CLEANNET_NODE_SCHEDULE`` says, run the node once.

Declared on every server; it does nothing where ``CLEANNET_NODE_HUB_URL`` is empty. A
run still going when the next one falls due is not doubled (``NodeBusy``): the later one
is skipped and the next due time tries again. A worker killed mid-run would leave the
run's lock behind, so each worker process releases it once when it starts; run the
periodic worker on one machine only (``cleannet worker --no-periodic`` elsewhere).
"""

from __future__ import annotations

import logging
import threading

from huey.contrib.djhuey import HUEY, db_periodic_task, on_startup

from cleannet.server.node.runner import LOCK_NAME, NodeBusy, NotANode, run_node
from cleannet.server.node.schedule import is_due

logger = logging.getLogger(__name__)

_startup_guard = threading.Lock()
_lock_released: bool | None = None


@db_periodic_task(is_due)  # type: ignore[untyped-decorator]
def run_node_match() -> None:
    """Pull from the hub, match the logs, keep the findings, send the daily counts."""
    try:
        run_node()
    except NodeBusy:
        logger.info("node run skipped: the previous one is still going")
    except NotANode:
        logger.info("node run skipped: CLEANNET_NODE_HUB_URL is not set")


@on_startup()  # type: ignore[untyped-decorator]
def release_the_node_lock_left_by_a_dead_worker() -> None:
    """Once per worker process, before it runs tasks: drop a node lock no run holds."""
    global _lock_released
    # Every worker thread calls startup hooks; only the first may release, or a later
    # thread would free the lock of a run an earlier one has started.
    with _startup_guard:
        if _lock_released is not None:
            return
        _lock_released = bool(HUEY.flush_locks(LOCK_NAME))
    if _lock_released:
        logger.warning("released the node run lock left by a stopped worker")
