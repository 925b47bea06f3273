"""From a scan to the platform, end to end on loopback: a scan of an ISP's scope makes findings
and events; the owner-report task turns them into an R- ticket e-mailed to the ISP's abuse
contact; a campaign on their event type counts the scanned address; the ISP's workspace shows
the finding to its own people and to no one else.

The scanned service is ``fake_redis`` (conftest): an open Redis 6.0.5 on a port the test opens,
which the probe reports as ``open-redis`` and the fingerprints as ``vulnerable-version``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from cleannet.server.accounts.models import User
from cleannet.server.campaigns.measure import snapshot_day
from cleannet.server.campaigns.models import ALL_FAMILIES, Campaign, CampaignSnapshot
from cleannet.server.campaigns.services import create_campaign, launch_campaign
from cleannet.server.exposure.events import FEED_NAME
from cleannet.server.exposure.models import ExposureFinding, ScanRun, ScanScope
from cleannet.server.exposure.services import run_scan
from cleannet.server.intel.models import Event
from cleannet.server.networks.services import add_abuse_contact
from cleannet.server.notices.models import OutboxMessage, OwnerReport
from cleannet.server.notices.owner_report_rules import save_rule
from cleannet.server.notices.owner_report_tasks import run_owner_reports

ABUSE = "abuse@songhong.example"
CONTACT_URL = "https://cleannet.example/scanning/"
TYPE = "vulnerable-system"


@dataclass
class Scanned:
    """One finished scan of the ISP persona's loopback scope."""

    personas: Any
    port: int
    run: ScanRun
    findings: list[ExposureFinding]
    events: list[Event]


@pytest.fixture
def scanned(
    personas: Any,
    make_scope: Callable[..., ScanScope],
    fake_redis: Any,
    redis_on: Callable[[int], None],
) -> Scanned:
    """Song Hong Net (an ISP) with a primary abuse contact and a report rule for the
    exposure events' type, and its scope scanned once by an authority administrator."""
    add_abuse_contact(None, personas.isp_org, "Abuse desk", ABUSE, is_primary=True)
    save_rule(None, personas.isp_org, classifications=[TYPE], interval="immediate")
    redis_on(fake_redis.port)
    scope = make_scope(ports=[fake_redis.port])
    run = run_scan(personas.admin.user, scope, contact_url=CONTACT_URL)
    findings = list(ExposureFinding.objects.filter(scope=scope).order_by("tag"))
    events = list(Event.objects.filter(source_ip="127.0.0.1").order_by("id"))
    return Scanned(personas, fake_redis.port, run, findings, events)


def signed_in(user: User) -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def test_it_makes_findings_and_events_owned_by_the_scopes_owner(scanned: Scanned) -> None:
    assert (scanned.run.status, scanned.run.findings) == ("finished", 2)
    assert [f.tag for f in scanned.findings] == ["open-redis", "vulnerable-version"]
    assert {f.event_id for f in scanned.findings} == {e.pk for e in scanned.events}
    assert len(scanned.events) == 2
    for event in scanned.events:
        assert (event.owner, event.classification_type) == (scanned.personas.isp_org, TYPE)
        assert (event.source_port, event.data["feed.name"]) == (scanned.port, FEED_NAME)


def test_it_reports_the_findings_to_the_owners_abuse_contact(scanned: Scanned) -> None:
    assert run_owner_reports.call_local() == 1
    report = OwnerReport.objects.get()
    assert report.number.startswith("R-")
    assert report.organisation == scanned.personas.isp_org
    assert set(report.events.all()) == set(scanned.events)
    assert report.summary["by_type"] == [[TYPE, 2]]
    assert report.recipients == [ABUSE]
    message = OutboxMessage.objects.get(ticket_ref=report.number)
    assert (message.recipient, message.kind, message.channel) == (ABUSE, "owner_report", "email")
    assert message.status == OutboxMessage.Status.PENDING
    assert report.number in message.subject
    assert message.attachment is not None
    assert f"127.0.0.1,{scanned.port}".encode() in bytes(message.attachment)


def test_it_reports_each_finding_once_until_a_later_scan_sees_it_again(scanned: Scanned) -> None:
    run_owner_reports.call_local()
    assert run_owner_reports.call_local() == 0
    again = run_scan(scanned.personas.admin.user, scanned.run.scope, contact_url=CONTACT_URL)
    assert (again.status, again.findings, again.new_findings) == ("finished", 2, 0)
    assert run_owner_reports.call_local() == 1
    latest = OwnerReport.objects.order_by("-id").first()
    assert latest is not None
    assert latest.event_count == 2
    assert not set(latest.events.all()) & set(scanned.events)
    assert OutboxMessage.objects.count() == 2


def test_it_shows_the_report_to_the_owners_operator_only(scanned: Scanned) -> None:
    run_owner_reports.call_local()
    number = OwnerReport.objects.get().number
    own = signed_in(scanned.personas.isp.user).get("/workspace/reports/")
    other = signed_in(scanned.personas.other_isp.user).get("/workspace/reports/")
    assert (own.status_code, other.status_code) == (200, 200)
    assert number in own.content.decode()
    assert number not in other.content.decode()


def _campaign(scanned: Scanned, day: dt.date) -> Campaign:
    personas = scanned.personas
    campaign = create_campaign(
        personas.admin.user,
        name="Exposed databases",
        slug="exposed-databases",
        starts_on=day,
        ends_on=day + dt.timedelta(days=30),
        families=[],
        classification_types=[TYPE],
        participants=[personas.isp_org, personas.other_isp_org],
    )
    return launch_campaign(personas.admin.user, campaign)


def test_it_counts_the_scanned_address_in_a_campaign_on_its_type(scanned: Scanned) -> None:
    day = scanned.run.started_at.astimezone(dt.UTC).date()  # events are dated at the run's start
    campaign = _campaign(scanned, day)
    snapshot_day(campaign, day)
    rows = CampaignSnapshot.objects.filter(campaign=campaign, day=day, family=ALL_FAMILIES)
    figures = {row.organisation_id: (row.addresses, row.events) for row in rows}
    assert figures == {
        scanned.personas.isp_org.pk: (1, 2),  # one address, two findings on it
        scanned.personas.other_isp_org.pk: (0, 0),
    }


def test_it_shows_the_finding_to_the_owners_people_only(scanned: Scanned) -> None:
    personas = scanned.personas
    address = f"127.0.0.1:{scanned.port}"
    page = signed_in(personas.isp.user).get("/workspace/exposure/")
    assert page.status_code == 200
    assert address in page.content.decode()
    assert "vulnerable-version" in page.content.decode()
    for stranger in (personas.other_isp.user, personas.member.user):
        page = signed_in(stranger).get("/workspace/exposure/")
        assert page.status_code == 200
        assert address not in page.content.decode()


def test_it_answers_404_for_the_finding_to_another_organisation(scanned: Scanned) -> None:
    path = f"/workspace/exposure/findings/{scanned.findings[0].pk}/"
    assert signed_in(scanned.personas.isp.user).get(path).status_code == 200
    assert signed_in(scanned.personas.other_isp.user).get(path).status_code == 404
    assert signed_in(scanned.personas.member.user).get(path).status_code == 404
