"""``/workspace/exposure/``: each organisation sees its own findings, the authority all of them,
the scopes and the log of runs; only an authority administrator starts a scan."""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLResolver, include, path
from django.utils import timezone

from cleannet.server import urls as site_urls
from cleannet.server.accounts.models import AuditEntry, Organisation, User
from cleannet.server.exposure.models import ExposureFinding, ScanRun, ScanScope


def mounted_urlconf() -> ModuleType:
    """The site's URLs with the exposure pages mounted (a no-op once server/urls.py has them)."""
    patterns = list(site_urls.urlpatterns)
    names = {p.namespace for p in patterns if isinstance(p, URLResolver)}
    if "exposure" not in names:
        patterns.insert(0, path("workspace/exposure/", include("cleannet.server.exposure.urls")))
    if "exposure_public" not in names:
        patterns.append(path("scanning/", include("cleannet.server.exposure.public_urls")))
    urlconf = ModuleType("exposure_test_urls")
    urlconf.urlpatterns = patterns  # type: ignore[attr-defined]
    return urlconf


NOW = timezone.now()


@pytest.fixture(autouse=True)
def _mounted(settings: Any) -> None:
    settings.ROOT_URLCONF = mounted_urlconf()


def signed_in(user: User) -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def finding(scope: ScanScope, owner: Organisation, ip: str, port: int, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "report_type": "scan_redis",
        "tag": "open-redis",
        "severity": "high",
        "first_seen": NOW - dt.timedelta(days=3),
        "last_seen": NOW - dt.timedelta(hours=1),
    }
    values.update(fields)
    return ExposureFinding.objects.create(scope=scope, owner=owner, ip=ip, port=port, **values)


@pytest.fixture
def found(personas: Any, make_scope: Any) -> dict[str, ExposureFinding]:
    """Findings of the ISP persona (one open, vulnerable; one fixed) and of the other ISP."""
    scope = make_scope()
    return {
        "open": finding(
            scope,
            personas.isp_org,
            "127.0.0.1",
            6379,
            product="Redis",
            version="6.0.5",
            tag="vulnerable-version",
            severity="critical",
            cves=["CVE-2021-32761"],
        ),
        "fixed": finding(
            scope,
            personas.isp_org,
            "127.0.0.1",
            22,
            report_type="scan_ssh",
            tag="ssh",
            severity="info",
            fixed_at=NOW,
        ),
        "other": finding(
            scope,
            personas.other_isp_org,
            "127.0.0.1",
            27017,
            report_type="scan_mongodb",
            tag="open-mongodb",
        ),
    }


PAGES = ["/workspace/exposure/", "/workspace/exposure/scopes/", "/workspace/exposure/runs/"]


@pytest.mark.parametrize("url", PAGES)
def test_it_sends_anonymous_visitors_to_log_in(db: Any, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_an_isp_its_own_findings_open_first_with_every_column(
    personas: Any, found: dict[str, ExposureFinding]
) -> None:
    html = signed_in(personas.isp.user).get("/workspace/exposure/").content.decode()
    assert "127.0.0.1:6379" in html and "CVE-2021-32761" in html
    assert "Redis 6.0.5" in html and "critical" in html and "vulnerable-version" in html
    assert "127.0.0.1:22" not in html  # fixed: not in the default (open) view
    assert "127.0.0.1:27017" not in html  # another ISP's
    assert "Owner" not in html  # their own organisation only: no owner column


def test_it_filters_fixed_and_lists_all_with_open_first(
    personas: Any, found: dict[str, ExposureFinding]
) -> None:
    client = signed_in(personas.isp.user)
    fixed = client.get("/workspace/exposure/?state=fixed").content.decode()
    assert "127.0.0.1:22" in fixed and "127.0.0.1:6379" not in fixed
    every = client.get("/workspace/exposure/?state=all").content.decode()
    assert every.index("127.0.0.1:6379") < every.index("127.0.0.1:22")


def test_it_answers_404_for_another_organisations_finding(
    personas: Any, found: dict[str, ExposureFinding]
) -> None:
    other = found["other"].pk
    assert (
        signed_in(personas.isp.user).get(f"/workspace/exposure/findings/{other}/").status_code
        == 404
    )
    assert (
        signed_in(personas.member.user).get(f"/workspace/exposure/findings/{other}/").status_code
        == 404
    )
    mine = signed_in(personas.other_isp.user).get(f"/workspace/exposure/findings/{other}/")
    assert mine.status_code == 200 and "open-mongodb" in mine.content.decode()


def test_it_shows_a_member_nothing_of_others(
    personas: Any, found: dict[str, ExposureFinding]
) -> None:
    html = signed_in(personas.member.user).get("/workspace/exposure/?state=all").content.decode()
    assert "No findings here" in html and "127.0.0.1" not in html


def test_it_shows_authority_staff_every_finding_with_its_owner(
    personas: Any, found: dict[str, ExposureFinding]
) -> None:
    html = signed_in(personas.analyst.user).get("/workspace/exposure/").content.decode()
    assert "127.0.0.1:6379" in html and "127.0.0.1:27017" in html
    assert "Song Hong Net" in html and "Phuong Nam Net" in html


@pytest.mark.parametrize("who", ["isp", "member"])
@pytest.mark.parametrize("url", PAGES[1:])
def test_it_refuses_scopes_and_runs_to_organisations(personas: Any, who: str, url: str) -> None:
    assert signed_in(getattr(personas, who).user).get(url).status_code == 403


def test_it_lists_scopes_with_owner_networks_approval_and_last_run(
    personas: Any, make_scope: Any
) -> None:
    scope = make_scope()
    ScanRun.objects.create(scope=scope, started_by=personas.admin.user, status="finished")
    html = signed_in(personas.analyst.user).get("/workspace/exposure/scopes/").content.decode()
    assert "loopback" in html and "Song Hong Net" in html and "127.0.0.1/32" in html
    assert "Decision 12/2026 of the authority" in html and "(finished)" in html
    assert "Start a scan" not in html  # analysts do not start scans


@pytest.mark.parametrize("who", ["analyst", "isp", "member"])
def test_it_refuses_to_let_anyone_but_an_administrator_start_a_scan(
    personas: Any, make_scope: Any, who: str
) -> None:
    make_scope()
    response = signed_in(getattr(personas, who).user).post(
        "/workspace/exposure/scopes/loopback/scan/"
    )
    assert response.status_code == 403
    assert not ScanRun.objects.exists()


def test_it_lets_an_administrator_scan_a_scope_and_logs_who(
    personas: Any, make_scope: Any, fake_redis: Any, redis_on: Any
) -> None:
    redis_on(fake_redis.port)
    make_scope(ports=[fake_redis.port])
    client = signed_in(personas.admin.user)
    scopes = client.get("/workspace/exposure/scopes/").content.decode()
    assert "Start a scan" in scopes
    response = client.post("/workspace/exposure/scopes/loopback/scan/", follow=True)
    run = ScanRun.objects.get()
    assert (run.status, run.started_by, run.open_ports) == ("finished", personas.admin.user, 1)
    assert run.findings >= 1 and fake_redis.accepts >= 1
    html = response.content.decode()
    assert "1 open ports" in html and "admin" in html and "Finished" in html
    assert AuditEntry.objects.filter(action="exposure.scan.run", actor=personas.admin.user).exists()


def test_it_refuses_to_run_a_wide_scope_inside_the_request(personas: Any, make_scope: Any) -> None:
    make_scope(networks=["127.0.0.0/24"])
    response = signed_in(personas.admin.user).post(
        "/workspace/exposure/scopes/loopback/scan/", follow=True
    )
    assert "more than 16 addresses" in response.content.decode()
    assert not ScanRun.objects.exists()


def test_it_logs_every_run_with_who_when_and_counts(personas: Any, make_scope: Any) -> None:
    scope = make_scope()
    ScanRun.objects.create(scope=scope, started_by=None, status="refused",
                           error="The scope is disabled.")  # fmt: skip
    ScanRun.objects.create(scope=scope, started_by=personas.admin.user, status="finished",
                           open_ports=3, findings=2, new_findings=1, fixed_findings=1)  # fmt: skip
    html = signed_in(personas.analyst.user).get("/workspace/exposure/runs/").content.decode()
    assert "the schedule" in html and "The scope is disabled." in html
    assert "admin" in html and '<td class="num">3</td>' in html
