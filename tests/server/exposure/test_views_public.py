"""The public page ``/scanning/``: who scans, why, what, the exact User-Agent, how to opt out."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLResolver, include, path

from cleannet.engines.exposure import PROBES
from cleannet.server import urls as site_urls


def mounted_urlconf() -> ModuleType:
    """The site's URLs with the exposure pages where server/urls.py mounts them (once it does,
    this adds nothing)."""
    patterns = list(site_urls.urlpatterns)
    names = {p.namespace for p in patterns if isinstance(p, URLResolver)}
    if "exposure" not in names:
        patterns.insert(0, path("workspace/exposure/", include("cleannet.server.exposure.urls")))
    if "exposure_public" not in names:
        patterns.append(path("scanning/", include("cleannet.server.exposure.public_urls")))
    urlconf = ModuleType("exposure_test_urls")
    urlconf.urlpatterns = patterns  # type: ignore[attr-defined]
    return urlconf


@pytest.fixture(autouse=True)
def _mounted(settings: Any) -> None:
    settings.ROOT_URLCONF = mounted_urlconf()


def english() -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client: Client | None = None) -> str:
    response = (client or english()).get("/scanning/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_is_open_to_anonymous_visitors_and_names_the_authority(personas: Any) -> None:
    html = page()
    assert "Who scans" in html
    assert "The scans are run by Authority" in html  # the personas' authority organisation
    assert "directive on cybersecurity" in html


def test_it_shows_the_exact_user_agent_the_scanner_sends(db: Any, settings: Any) -> None:
    settings.CLEANNET_SITE_URL = "https://cleannet.example.vn"
    html = page()
    assert "CleanNet-ExposureScanner/1 (+https://cleannet.example.vn/scanning/)" in html


def test_it_shows_the_placeholder_address_without_a_site_url(db: Any, settings: Any) -> None:
    settings.CLEANNET_SITE_URL = ""
    assert "CleanNet-ExposureScanner/1 (+https://cleannet.invalid/scanning/)" in page()


def test_it_lists_every_probe_with_its_ports_and_report_type(db: Any) -> None:
    html = page()
    for name, probe in PROBES.items():
        assert f'<th scope="row">{name}</th>' in html
        assert f"<code>{probe.report_type}</code>" in html
    assert "<td>6379</td>" in html
    assert "Redis: whether it answers without a password." in html


def test_it_says_only_mandated_networks_are_scanned_and_links_the_report_channel(
    db: Any,
) -> None:
    html = page()
    assert "only the networks the authority is mandated to watch" in html
    assert "Opt out or report a problem" in html
    assert 'href="/report/"' in html


def test_it_opens_in_vietnamese_by_default(db: Any) -> None:
    assert '<html lang="vi">' in page(Client())


def test_it_names_no_scope_or_network(make_scope: Any) -> None:
    make_scope(networks=["127.0.0.1/32"], title="Secret loopback")
    html = page()
    assert "127.0.0.1" not in html and "Secret loopback" not in html
