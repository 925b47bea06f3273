"""Fixtures of the owner-report tests (imported by each ``test_owner_report*`` module).

``report_world``: on top of the shared personas and networks, Song Hong Net (``isp_org``,
203.0.113.0/24) has three events (Mirai infected-system, an infected-system of no family,
a malware-distribution URL whose identifier starts like a spreadsheet formula); Phuong Nam
Net (``other_isp_org``) has one. Song Hong Net's primary abuse contact is
abuse@songhong.example. ``report_urls`` mounts the workspace pages and the API router the
lead wires into the site, so the tests work before and after the wiring.
"""

from __future__ import annotations

import datetime as dt
import itertools
import types
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import include, path

from cleannet.server.intel import services as intel
from cleannet.server.intel.models import Event, MalwareFamily
from cleannet.server.networks.models import AbuseContact
from cleannet.server.networks.services import add_abuse_contact

FORMULA = '=hyperlink("http://evil.example")'
NOW = dt.datetime(2026, 3, 10, 2, 30, tzinfo=dt.UTC)  # 09:30 in Hanoi


@dataclass
class ReportWorld:
    personas: Any
    mirai: MalwareFamily
    contact: AbuseContact
    isp_events: list[Event]
    other_event: Event


@pytest.fixture(name="report_world")
def report_world_fixture(personas: Any, networks: Any, make_event: Any) -> ReportWorld:
    feed = intel.add_feed(None, "sinkhole", "Shadowserver", "shadowserver-csv")
    mirai = intel.add_family(None, "Mirai", MalwareFamily.Kind.BOTNET, aliases=["elf.mirai"])
    intel.record_events(
        None,
        [
            make_event(source_ip="203.0.113.1", malware_name="mirai"),
            make_event(source_ip="203.0.113.2", time_source="2026-03-02T00:00:00Z"),
            make_event(
                source_ip="203.0.113.9",
                source_url="http://203.0.113.9/payload.sh",
                classification_identifier=FORMULA,
                classification_type="malware-distribution",
            ),
            make_event(source_ip="198.51.100.4", malware_name="mirai"),
        ],
        feed=feed,
    )
    contact = add_abuse_contact(
        None, personas.isp_org, "Abuse desk", "abuse@songhong.example", is_primary=True
    )
    return ReportWorld(
        personas=personas,
        mirai=mirai,
        contact=contact,
        isp_events=list(Event.objects.filter(owner=personas.isp_org).order_by("id")),
        other_event=Event.objects.get(owner=personas.other_isp_org),
    )


_stamps = itertools.count()


def add_events(make_event: Any, *ips: str, type_: str = "infected-system") -> None:
    """Record one more event per address, at a time not used before (so none is a duplicate)."""
    n = next(_stamps)
    stamp = f"2026-03-09T{n % 24:02d}:{n // 24 % 60:02d}:00Z"
    events = [make_event(source_ip=ip, classification_type=type_, time_source=stamp) for ip in ips]
    intel.record_events(None, events)


_URLCONF: list[types.ModuleType] = []


def _urlconf() -> types.ModuleType:
    """The site's URLs with the owner-report pages and API routes mounted first (built once:
    a Ninja API's namespace may be registered only once a process)."""
    if not _URLCONF:
        from ninja import NinjaAPI

        from cleannet.server import urls as site
        from cleannet.server.api.errors import install_error_handlers
        from cleannet.server.api.routes_notices_reports import router

        api = NinjaAPI(urls_namespace="owner-reports-test-api", docs_url=None)
        install_error_handlers(api)
        api.add_router("/", router)
        module = types.ModuleType("owner_report_test_urls")
        module.urlpatterns = [  # type: ignore[attr-defined]
            path("workspace/reports/", include("cleannet.server.notices.owner_report_urls")),
            path("api/v1/", api.urls),
            *site.urlpatterns,
        ]
        _URLCONF.append(module)
    return _URLCONF[0]


@pytest.fixture(name="report_urls")
def report_urls_fixture(settings: Any) -> None:
    settings.ROOT_URLCONF = _urlconf()


def make_report(organisation: Any, events: list[Event], fmt: str = "csv", number: str = "") -> Any:
    """An owner report of ``events`` stored directly (no rule run, no message)."""
    from cleannet.server.notices.models import OwnerReport, OwnerReportEvent

    report = OwnerReport.objects.create(
        number=number or f"R-2026-{OwnerReport.objects.count() + 1:06d}",
        organisation=organisation,
        format=fmt,
        first_event_at=min(e.time_source for e in events),
        last_event_at=max(e.time_source for e in events),
        event_count=len(events),
        summary={"by_type": [["infected-system", len(events)]], "by_family": []},
    )
    OwnerReportEvent.objects.bulk_create(OwnerReportEvent(report=report, event=e) for e in events)
    return report
