"""Fixtures of the self-check tests: the site's URLs with the self-check pages mounted, and
a helper that records infected-system events.

Until the lead includes ``cleannet.server.selfcheck.urls`` in the site map, the tests serve a
small urlconf (a module made here) that adds it to the site's own patterns.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from cleannet.server import urls as site_urls

URLCONF = "cleannet_selfcheck_test_urls"


def _urlconf() -> types.ModuleType:
    module = types.ModuleType(URLCONF)
    patterns = list(site_urls.urlpatterns)
    try:
        reverse("selfcheck:check-ip")
    except NoReverseMatch:
        patterns.append(path("", include("cleannet.server.selfcheck.urls")))
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


@pytest.fixture(autouse=True)
def selfcheck_urls() -> Iterator[None]:
    sys.modules[URLCONF] = _urlconf()
    try:
        with override_settings(ROOT_URLCONF=URLCONF, CLEANNET_TRUSTED_PROXIES=[]):
            yield
    finally:
        del sys.modules[URLCONF]


@pytest.fixture
def record(make_event: Callable[..., Any]) -> Callable[..., None]:
    """``record("192.0.2.7", days_ago=2, family="Mozi")`` stores one event from that address."""
    from cleannet.server.intel import services
    from cleannet.server.intel.models import MalwareFamily

    def store(
        address: str,
        days_ago: float = 1,
        family: str | None = None,
        kind: str = "infected-system",
        port: int = 1,
    ) -> None:
        when = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
        fields: dict[str, Any] = {
            "source.ip": address,
            "time.source": when.isoformat(),
            "classification.type": kind,
            "source.port": port,
        }
        if family:
            fields["malware.name"] = family
            if not MalwareFamily.objects.filter(name=family).exists():
                services.add_family(None, family, "botnet", slug=family.lower())
        services.record_events(None, [make_event(fields)])

    return store
