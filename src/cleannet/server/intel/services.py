"""The door of the intel app: every state change and look-up other code may call.

Views, API, admin, CLI, tasks and tests call these; each change is made in one
transaction with its audit entry, and refused input raises Django's ``ValidationError``
with a dict naming the field.
"""

from __future__ import annotations

from cleannet.server.intel.events import BATCH_SIZE, RecordResult, record_events
from cleannet.server.intel.families import (
    add_alias,
    add_family,
    claim_names,
    resolve_families,
    resolve_family,
)
from cleannet.server.intel.feeds import (
    add_feed,
    check_schedule,
    classification_type,
    finish_feed_run,
    normalise_tlp,
    start_feed_run,
)
from cleannet.server.intel.indicators import normalise_indicator, upsert_indicator
from cleannet.server.intel.naming import alias_key

__all__ = [
    "BATCH_SIZE",
    "RecordResult",
    "add_alias",
    "add_family",
    "add_feed",
    "alias_key",
    "check_schedule",
    "claim_names",
    "classification_type",
    "finish_feed_run",
    "normalise_indicator",
    "normalise_tlp",
    "record_events",
    "resolve_families",
    "resolve_family",
    "start_feed_run",
    "upsert_indicator",
]
