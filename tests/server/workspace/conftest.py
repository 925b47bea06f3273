"""Fixtures of the workspace tests: the site's URLs with ``/workspace/`` mounted, and
signed-in clients per persona.

Until the lead includes ``cleannet.server.workspace.urls`` in the site map, the tests serve a
small urlconf (a module made here) that adds it to the site's own patterns.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, include, path, reverse

from cleannet.server import urls as site_urls

URLCONF = "cleannet_workspace_test_urls"


def _urlconf() -> types.ModuleType:
    module = types.ModuleType(URLCONF)
    patterns = list(site_urls.urlpatterns)
    try:
        reverse("workspace:index")
    except NoReverseMatch:
        patterns.append(path("workspace/", include("cleannet.server.workspace.urls")))
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    return module


@pytest.fixture(autouse=True)
def workspace_urls() -> Iterator[None]:
    sys.modules[URLCONF] = _urlconf()
    try:
        with override_settings(ROOT_URLCONF=URLCONF):
            yield
    finally:
        del sys.modules[URLCONF]


@pytest.fixture
def signed_in(personas: Any) -> Callable[[str], Client]:
    """``signed_in("isp")`` returns a client logged in as that persona."""

    def login(name: str) -> Client:
        client = Client()
        client.force_login(getattr(personas, name).user)
        return client

    return login
