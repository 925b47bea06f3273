"""Fixtures of the report-channel tests (public side and triage): the site's URLs with
``/report/`` and ``/triage/`` mounted, attachments kept in a temporary directory, signed-in
clients per persona, and ``file_report`` to make a report in one line.

Until the lead includes the two urlconfs in the site map, the tests serve a small urlconf
(a module made here) that adds them to the site's own patterns.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, include, path, reverse

from cleannet.server import urls as site_urls
from cleannet.server.reports import services
from cleannet.server.reports.models import Report

URLCONF = "cleannet_reports_test_urls"
MOUNTS = [
    ("reports:chooser", "report/", "cleannet.server.reports.urls"),
    ("triage:queue", "triage/", "cleannet.server.reports.triage_urls"),
]


def _urlconf() -> types.ModuleType:
    module = types.ModuleType(URLCONF)
    patterns = list(site_urls.urlpatterns)
    for name, prefix, target in MOUNTS:
        try:
            reverse(name)
        except NoReverseMatch:
            patterns.append(path(prefix, include(target)))
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


@pytest.fixture(autouse=True)
def report_urls(tmp_path: Path) -> Iterator[None]:
    sys.modules[URLCONF] = _urlconf()
    try:
        with override_settings(
            ROOT_URLCONF=URLCONF, CLEANNET_REPORTS_DIR=str(tmp_path / "reports")
        ):
            yield
    finally:
        del sys.modules[URLCONF]


@pytest.fixture
def signed_in(personas: Any) -> Callable[[str], Client]:
    """``signed_in("analyst")`` returns a client logged in as that persona."""

    def login(name: str) -> Client:
        client = Client()
        client.force_login(getattr(personas, name).user)
        return client

    return login


@pytest.fixture
def file_report(db: Any) -> Callable[..., tuple[Report, str]]:
    """``file_report(kind="phishing", target_url=…)`` files a report through the service
    and returns it with its status secret."""

    def make(**fields: Any) -> tuple[Report, str]:
        values: dict[str, Any] = {
            "kind": "phishing",
            "title": "A fake bank login",
            "description": "It asked for my OTP.",
            "reporter_email": "citizen@example.org",
        }
        values.update(fields)
        organisation = values.pop("organisation", None)
        return services.file_report(None, services.NewReport(**values), organisation)

    return make
