"""The exposure app's service functions, in one place for pages, the API and the CLI.

Every state change is audited; refused input raises ``ValidationError`` naming the field, the
wrong person ``PermissionDenied``.
"""

from cleannet.server.exposure.findings import visible_findings
from cleannet.server.exposure.scans import default_contact_url, run_scan
from cleannet.server.exposure.scopes import add_opt_out, define_scope, update_scope

__all__ = [
    "add_opt_out",
    "default_contact_url",
    "define_scope",
    "run_scan",
    "update_scope",
    "visible_findings",
]
