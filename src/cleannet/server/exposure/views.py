"""The exposure app's pages, one module per audience (the URL files import those directly):

- ``views_public``: ``/scanning/``, who scans, why, what, the User-Agent, how to opt out;
- ``views_workspace``: ``/workspace/exposure/``, the findings each organisation may see;
- ``views_scans``: the authority's scopes, log of runs and the button that starts a scan.
"""

from cleannet.server.exposure.views_public import scanning
from cleannet.server.exposure.views_scans import run_list, scope_list, start_scan
from cleannet.server.exposure.views_workspace import finding_detail, finding_list

__all__ = ["finding_detail", "finding_list", "run_list", "scanning", "scope_list", "start_scan"]
