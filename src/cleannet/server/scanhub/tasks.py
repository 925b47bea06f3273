"""The scanner hub's periodic work, run by the Huey worker: publish a new signature bundle
each day when the indicators or rules changed, and forget the hourly rate-limit buckets of
uploaded reports once their hour is over."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.scanhub.reports import forget_rate_buckets
from cleannet.server.scanhub.services import publish_if_changed

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="40", hour="2"))  # type: ignore[untyped-decorator]
def publish_daily_bundle() -> None:
    """Every day at 02:40: a new bundle if what would go in changed since the newest."""
    bundle = publish_if_changed()
    if bundle is None:
        logger.info("scanhub: signatures unchanged, no new bundle")
    else:
        logger.info("scanhub: published signature bundle %s", bundle.version)


@db_periodic_task(crontab(minute="5"))  # type: ignore[untyped-decorator]
def forget_report_buckets() -> None:
    """Every hour: blank the rate-limit buckets of uploads from hours that are over."""
    forget_rate_buckets()
