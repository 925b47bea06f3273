"""The door of the leaks app: every state change and look-up other code may call.

Views, API, admin, CLI, tasks and tests call these. Registry changes are made in one
transaction with their audit entry; refused input raises Django's ``ValidationError``
naming the field.
"""

from __future__ import annotations

from cleannet.server.leaks.account_ranges import (
    SENSITIVE,
    AccountRangeEntry,
    RangeLimitExceeded,
    look_up_account_range,
)
from cleannet.server.leaks.catalogue import forget_open_stores, store_dir
from cleannet.server.leaks.checks import CheckOutcome, parse_identifier, request_leak_check
from cleannet.server.leaks.exports import export_password_ranges
from cleannet.server.leaks.lookups import (
    account_range,
    breaches_holding,
    password_count,
    password_range,
)
from cleannet.server.leaks.ratelimits import purge_old_counters
from cleannet.server.leaks.registry import (
    IMPORT_KINDS,
    add_breach,
    breach_counts,
    delete_breach,
    edit_breach,
    import_breach_file,
)

__all__ = [
    "IMPORT_KINDS",
    "SENSITIVE",
    "AccountRangeEntry",
    "CheckOutcome",
    "RangeLimitExceeded",
    "account_range",
    "add_breach",
    "breach_counts",
    "breaches_holding",
    "delete_breach",
    "edit_breach",
    "export_password_ranges",
    "forget_open_stores",
    "import_breach_file",
    "look_up_account_range",
    "parse_identifier",
    "password_count",
    "password_range",
    "purge_old_counters",
    "request_leak_check",
    "store_dir",
]
