"""Serve the encyclopedia's pages at their planned prefixes until the site's urls.py does."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from django.urls import NoReverseMatch, include, path, reverse

TEST_URLCONF = "encyclopedia_test_urls"


def _site_urls() -> types.ModuleType:
    from cleannet.server import urls as site

    module = types.ModuleType(TEST_URLCONF)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("malware/", include("cleannet.server.encyclopedia.urls")),
        path("alerts/", include("cleannet.server.encyclopedia.alert_urls")),
        *site.urlpatterns,
    ]
    return module


@pytest.fixture(autouse=True)
def _encyclopedia_urls(settings: Any) -> None:
    try:
        reverse("alerts:list")
        reverse("encyclopedia:list")
    except NoReverseMatch:
        sys.modules.setdefault(TEST_URLCONF, _site_urls())
        settings.ROOT_URLCONF = TEST_URLCONF


@pytest.fixture(autouse=True)
def _families(db: Any) -> None:
    """The families the tests name, as feeds would have added them."""
    from cleannet.server.intel import services as intel

    for name, kind in (("Mirai", "botnet"), ("Emotet", "botnet")):
        intel.add_family(None, name, kind)
