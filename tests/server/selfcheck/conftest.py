"""Fixtures of the self-check tests: the site's URLs with the self-check pages mounted, and
a helper that records infected-system events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone


@pytest.fixture(autouse=True)
def no_trusted_proxies() -> Iterator[None]:
    with override_settings(CLEANNET_TRUSTED_PROXIES=[]):
        yield


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
