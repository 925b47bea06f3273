"""An ISP operator's workspace shows their organisation's events and node counts, and
nothing of another ISP (warning tickets and reports: ``test_isp_workspace_tracking.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.server.intel import services as intel_services
from cleannet.server.node import services as node_services
from cleannet.server.workspace.isp import OTHER, TABLE_DAYS, isp_workspace

pytestmark = pytest.mark.django_db


def _at(days_ago: int, hour: int = 8) -> str:
    day = timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=days_ago)
    return f"{day.isoformat()}T{hour:02d}:00:00+00:00"


@pytest.fixture
def events(networks: Any, make_event: Callable[..., Any]) -> None:
    """Three Alphabot and one family-less event at Song Hong; one Betaworm at Phuong Nam."""
    intel_services.add_family(None, "Alphabot", "botnet")
    intel_services.add_family(None, "Betaworm", "worm")
    made = [
        make_event(source_ip="203.0.113.5", malware_name="alphabot", time_source=_at(0)),
        make_event(source_ip="203.0.113.6", malware_name="alphabot", time_source=_at(0, 9)),
        make_event(source_ip="203.0.113.7", malware_name="alphabot", time_source=_at(3)),
        make_event(source_ip="2001:db8:a::9", time_source=_at(1)),
        make_event(source_ip="198.51.100.9", malware_name="betaworm", time_source=_at(0)),
    ]
    intel_services.record_events(None, made)


def test_it_counts_the_operators_events_per_family_and_day(personas: Any, events: None) -> None:
    work = isp_workspace(personas.isp.user)
    assert work.events == 4
    assert work.family_totals == [("Alphabot", 3), (OTHER, 1)]
    assert work.table.columns == ["Alphabot", OTHER]
    assert len(work.table.rows) == TABLE_DAYS
    today, yesterday, _, three_days_ago = work.table.rows[:4]
    assert (today.counts, today.total) == ([2, 0], 2)
    assert (yesterday.counts, yesterday.total) == ([0, 1], 1)
    assert (three_days_ago.counts, three_days_ago.total) == ([1, 0], 1)


def test_it_never_shows_another_isps_events(personas: Any, events: None) -> None:
    work = isp_workspace(personas.isp.user)
    assert {e.owner_id for e in work.latest} == {personas.isp_org.pk}
    other = isp_workspace(personas.other_isp.user)
    assert other.family_totals == [("Betaworm", 1)]


def test_it_lists_the_latest_events_with_links_to_the_api(
    signed_in: Callable[[str], Any], events: None
) -> None:
    response = signed_in("isp").get("/workspace/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "203.0.113.5" in page and "198.51.100.9" not in page
    assert "Betaworm" not in page
    assert "/api/v1/intel/events/" in page
    assert "/api/v1/exchange/events.csv?since=" in page
    assert "/api/v1/exchange/events.jsonl?since=" in page


def test_it_shows_the_nodes_daily_counts(personas: Any, signed_in: Callable[[str], Any]) -> None:
    day = timezone.now().date() - dt.timedelta(days=2)
    rows = [node_services.DailyCount(day, "Gammabot", "domain", 3, 40)]
    node_services.replace_daily_counts(personas.isp.user, rows)
    node_services.replace_daily_counts(
        personas.other_isp.user, [node_services.DailyCount(day, "Deltabot", "ip", 1, 2)]
    )
    page = signed_in("isp").get("/workspace/").content.decode()
    assert "Gammabot" in page and "Deltabot" not in page


def test_it_shows_empty_sections_without_inventing_tickets_or_campaigns(
    signed_in: Callable[[str], Any],
) -> None:
    client = signed_in("isp")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English text
    page = client.get("/workspace/").content.decode()
    assert "No warning tickets yet." in page
    assert "No warning has failed." in page
    assert "Your node has not sent warning figures in this period." in page
    assert "No campaign is waiting for you." in page
    assert "No events yet." in page
