"""The benchmark's site map: the site's own, plus the portal apps the lead has not wired yet.

While the portal apps are written their ``urls.py`` exist before ``cleannet.server.urls``
includes them; the benchmark serves them at their planned prefixes so the pages can be
measured now. Whatever the site map already includes is left as it is, so once everything
is wired this module adds nothing.
"""

from __future__ import annotations

import importlib.util

from django.urls import URLResolver, include, path

from cleannet.server import urls as site

# (prefix, module) as planned for the portal (issue 9).
PLANNED = (
    ("", "cleannet.server.selfcheck.urls"),
    ("malware/", "cleannet.server.encyclopedia.urls"),
    ("alerts/", "cleannet.server.encyclopedia.alert_urls"),
    ("report/", "cleannet.server.reports.urls"),
    ("triage/", "cleannet.server.reports.triage_urls"),
    ("workspace/", "cleannet.server.workspace.urls"),
)


def included_modules(patterns: list[object]) -> set[str]:
    """Return the names of the URL modules ``patterns`` include (one level deep)."""
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = pattern.urlconf_name
            names.add(getattr(module, "__name__", str(module)))
    return names


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


already = included_modules(list(site.urlpatterns))
ADDED = [(prefix, name) for prefix, name in PLANNED if name not in already and _exists(name)]
urlpatterns = [*site.urlpatterns, *(path(prefix, include(name)) for prefix, name in ADDED)]
