"""Periodic housekeeping of the file scan, run by the Huey worker."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.filescan.services import purge_expired_samples

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="23"))  # type: ignore[untyped-decorator]
def purge_samples() -> None:
    """Every hour: delete malicious samples past their retention, stale uploads and old
    rate counters."""
    purged = purge_expired_samples()
    if purged:
        logger.info("filescan: purged %d expired samples", purged)
