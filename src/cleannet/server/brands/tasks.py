"""The worker's brand task: once a day, re-check the control of every official domain.

A domain changes hands (it expires, is sold): a definite failure takes it off the allowlist,
so the next owner's lookalike pages are scored again. A failure to ask (timeout) only
records the error. Domains that never passed are re-checked too, so a token published
without pressing "Check now" is picked up. A domain the authority added (verified without
ever being checked) is left alone: its proof was not a token.
"""

from __future__ import annotations

import logging

from django.db.models import Q
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.brands.models import OfficialDomain
from cleannet.server.brands.services import check_domain_control

logger = logging.getLogger(__name__)


def recheck_all_domains() -> tuple[int, int]:
    """Check every official domain whose proof is a token; return (proven, not proven)."""
    proven = failed = 0
    by_authority = Q(verified_at__isnull=False, last_check_at__isnull=True)
    domains = OfficialDomain.objects.exclude(by_authority).select_related("brand")
    for official in domains.order_by("id"):
        checked = check_domain_control(official)
        if checked.last_check_error:
            failed += 1
        else:
            proven += 1
    return proven, failed


@db_periodic_task(crontab(minute="17", hour="3"))  # type: ignore[untyped-decorator]
def recheck_domain_control() -> None:
    proven, failed = recheck_all_domains()
    logger.info("brands: domain control re-checked, %s proven, %s not", proven, failed)
