"""The website check of a run, on a loopback web server: injected scripts, defacement, fixes."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from cleannet.server.exposure import scans, websites
from cleannet.server.exposure.models import ExposureFinding, ScanRun, ScanScope
from cleannet.server.exposure.services import run_scan
from cleannet.server.intel.indicators import upsert_indicator
from cleannet.server.intel.models import Event as StoredEvent
from cleannet.server.intel.models import Tlp

CONTACT = "https://cleannet.example/scanning/"
SITE = "www.site.example.vn"
BAD = "evil-cdn.example"
INJECTED = (
    f'<html><head><title>Home</title><script src="https://{BAD}/x.js"></script></head></html>'
)
DEFACED = "<html><head><title>Hacked by Anonymous Ghost</title></head><body></body></html>"
CLEAN = "<html><head><title>Home</title><script src='/static/site.js'></script></head></html>"


@dataclass
class WebSite:
    """A loopback web server answering every GET with ``page``; keeps the requests' headers."""

    port: int
    page: str | None = CLEAN  # None: answer with bytes that are not HTTP
    requests: list[dict[str, str]] = field(default_factory=list)


def _handler(site: WebSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append({k.lower(): v for k, v in self.headers.items()})
            if site.page is None:
                self.wfile.write(b"\x00\x01 not a web server\r\n")
                return
            body = site.page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def web_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebSite]:
    """A web server on 127.0.0.1, the only website port, and ``SITE`` resolving to it."""
    site = WebSite(port=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setattr(websites, "WEBSITE_PORTS", {site.port: "http"})
    monkeypatch.setattr(scans, "resolve_name", lambda name: ["127.0.0.1"] if name == SITE else [])
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture
def site_scope(make_scope: Callable[..., ScanScope], web_site: WebSite) -> ScanScope:
    return make_scope(hostnames=[SITE, "*.site.example.vn"], ports=[web_site.port])


def _bad_domain(value: str = BAD, **options: Any) -> None:
    upsert_indicator(None, "domain", value, timezone.now() - dt.timedelta(days=1), **options)


def _scan(actor: Any, scope: ScanScope, **options: Any) -> ScanRun:
    return run_scan(actor, scope, contact_url=CONTACT, timeout=2.0, **options)


def _site_findings() -> dict[str, ExposureFinding]:
    return {f.tag: f for f in ExposureFinding.objects.filter(tag__in=websites.WEBSITE_TAGS)}


def test_it_reports_a_script_from_an_indicator_domain_as_a_compromise(
    site_scope: ScanScope, web_site: WebSite, personas: Any
) -> None:
    _bad_domain()
    web_site.page = INJECTED
    run = _scan(personas.admin.user, site_scope)
    assert run.status == "finished"
    found = _site_findings()
    assert set(found) == {"injected-script"}
    row = found["injected-script"]
    assert (row.ip, row.port, row.report_type) == ("127.0.0.1", web_site.port, "scan_http")
    assert row.details["domain"] == BAD
    assert row.details["url"] == f"http://{SITE}:{web_site.port}/"
    assert row.event is not None
    assert (row.event.classification_taxonomy, row.event.classification_type) == (
        "intrusions",
        "system-compromise",
    )
    assert row.event.owner == personas.isp_org
    assert run.new_findings == 1


def test_it_names_the_scanner_and_the_site_to_the_web_server(
    site_scope: ScanScope, web_site: WebSite, personas: Any
) -> None:
    _scan(personas.admin.user, site_scope)
    assert len(web_site.requests) == 1
    request = web_site.requests[0]
    assert request["user-agent"] == f"CleanNet-ExposureScanner/1 (+{CONTACT})"
    assert request["host"] == f"{SITE}:{web_site.port}"


def test_it_reports_a_defaced_title(
    site_scope: ScanScope, web_site: WebSite, personas: Any
) -> None:
    web_site.page = DEFACED
    _scan(personas.admin.user, site_scope)
    row = _site_findings()["defacement"]
    assert row.event is not None
    assert (row.event.classification_taxonomy, row.event.classification_type) == (
        "information-content-security",
        "unauthorised-information-modification",
    )


def test_it_finds_nothing_on_a_clean_page(
    site_scope: ScanScope, web_site: WebSite, personas: Any
) -> None:
    _bad_domain()
    run = _scan(personas.admin.user, site_scope)
    assert web_site.requests
    assert (run.findings, run.new_findings) == (0, 0)
    assert not ExposureFinding.objects.exists()
    assert not StoredEvent.objects.exists()


def _found_injected_script(site_scope: ScanScope, web_site: WebSite, personas: Any) -> None:
    """A first run that finds the site's injected script."""
    _bad_domain()
    web_site.page = INJECTED
    _scan(personas.admin.user, site_scope)


def test_it_marks_the_finding_fixed_once_the_page_is_cleaned(
    site_scope: ScanScope, web_site: WebSite, personas: Any
) -> None:
    _found_injected_script(site_scope, web_site, personas)
    web_site.page = CLEAN
    second = _scan(personas.admin.user, site_scope)
    assert second.fixed_findings == 1
    row = ExposureFinding.objects.get(tag="injected-script")
    assert row.fixed_at is not None
    assert row.last_run == second


def test_it_keeps_a_website_finding_open_in_a_run_that_did_not_fetch_the_site(
    site_scope: ScanScope, web_site: WebSite, personas: Any
) -> None:
    _found_injected_script(site_scope, web_site, personas)
    web_site.page = CLEAN
    by_address = _scan(personas.admin.user, site_scope, targets=["127.0.0.1"])
    assert len(web_site.requests) == 1  # an address names no site: nothing fetched
    assert by_address.fixed_findings == 0
    assert ExposureFinding.objects.get(tag="injected-script").fixed_at is None


def test_it_keeps_a_website_finding_open_when_the_page_cannot_be_read(
    site_scope: ScanScope, web_site: WebSite, personas: Any
) -> None:
    _found_injected_script(site_scope, web_site, personas)
    web_site.page = None
    second = _scan(personas.admin.user, site_scope)
    assert len(web_site.requests) == 2  # fetched, but no page came back
    assert second.fixed_findings == 0
    assert ExposureFinding.objects.get(tag="injected-script").fixed_at is None


@pytest.mark.parametrize(
    "options",
    [
        {"valid_until": timezone.now() - dt.timedelta(hours=1)},
        {"tlp": Tlp.RED},
    ],
    ids=["expired", "tlp-red"],
)
def test_it_ignores_indicators_that_are_expired_or_not_to_be_shared(
    site_scope: ScanScope, web_site: WebSite, personas: Any, options: dict[str, Any]
) -> None:
    _bad_domain(**options)
    web_site.page = INJECTED
    _scan(personas.admin.user, site_scope)
    assert web_site.requests
    assert not ExposureFinding.objects.exists()


def test_it_takes_the_hosts_of_url_indicators_but_never_a_public_suffix(db: Any) -> None:
    now = timezone.now() - dt.timedelta(days=1)
    upsert_indicator(None, "url", "http://drop.bad-host.example/payload.exe", now)
    upsert_indicator(None, "url", "http://198.51.100.7/x", now)
    _bad_domain("co.uk")
    _bad_domain()
    assert websites.known_bad_domains(timezone.now()) == {"drop.bad-host.example", BAD}


def test_it_does_not_fetch_a_name_that_resolves_outside_the_scope(
    site_scope: ScanScope, web_site: WebSite, personas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scans, "resolve_name", lambda name: ["192.0.2.10"])
    web_site.page = DEFACED
    run = _scan(personas.admin.user, site_scope)
    assert not web_site.requests
    assert any(r["target"] == SITE for r in run.refused)
    assert not ExposureFinding.objects.exists()


def test_it_lists_only_the_exact_names_among_the_targets() -> None:
    targets = ["127.0.0.1/32", "127.0.0.1", "::1", "*.site.vn", "WWW.Site.vn.", "www.site.vn"]
    assert websites.site_names(targets) == ["www.site.vn"]
