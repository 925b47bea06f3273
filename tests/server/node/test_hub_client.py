"""The node's hub client against a real hub served on the loopback (``live_server``)."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannet.server.node.hub_client import HubClient, HubError
from cleannet.server.node.models import NodeDailyCount

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = {"day": "2026-03-01", "family": "mirai", "indicator_kind": "domain", "subscribers": 1,
         "records": 2}  # fmt: skip


def test_it_pulls_every_indicator_a_log_can_match_across_pages(live_server, personas, hub) -> None:
    client = HubClient(live_server.url, personas.isp.token, timeout=10, page_size=2)

    pulled = sorted((item["kind"], item["value"]) for item in client.indicators())

    assert pulled == [
        ("cidr", "192.0.2.0/24"),
        ("domain", "evil.example"),
        ("domain", "expired.example"),  # its validity is the engine's business
        ("ipv4", "198.51.100.66"),
        ("url", "http://bad.example/payload.sh"),
    ]  # no hash (no log has one), no TLP:RED domain (not for an ISP)


def test_it_pulls_only_its_own_recent_events(live_server, personas, hub) -> None:
    client = HubClient(live_server.url, personas.isp.token, timeout=10, page_size=1)

    events = list(client.events(since=hub.recent - dt.timedelta(days=7)))

    assert sorted(e["source.ip"] for e in events) == ["203.0.113.7", "203.0.113.8"]
    mirai = next(e for e in events if e["malware.name"] == "mirai")
    assert mirai["source.port"] == 40001
    assert mirai["feed.name"] == "sinkhole"
    assert dt.datetime.fromisoformat(mirai["time.source"]) == hub.recent


def test_it_pushes_daily_counts_for_its_organisation(live_server, personas) -> None:
    client = HubClient(live_server.url, personas.isp.token, timeout=10)

    assert client.send_daily_counts([COUNT]) == 1

    stored = NodeDailyCount.objects.get()
    assert (stored.organisation, stored.records) == (personas.isp_org, 2)


def test_it_names_the_refusal_of_a_token_the_hub_does_not_know(live_server, personas) -> None:
    client = HubClient(live_server.url, "cn_unknown", timeout=10)

    with pytest.raises(HubError, match=r"GET /api/v1/intel/indicators: HTTP 401.*revoked"):
        list(client.indicators())


def test_it_names_the_refusal_of_a_token_of_the_wrong_role(live_server, personas) -> None:
    client = HubClient(live_server.url, personas.member.token, timeout=10)

    with pytest.raises(HubError, match=r"POST /api/v1/node/daily-counts: HTTP 403"):
        client.send_daily_counts([COUNT])


def test_it_names_a_bad_row_the_hub_refused(live_server, personas) -> None:
    client = HubClient(live_server.url, personas.isp.token, timeout=10)

    with pytest.raises(HubError, match=r"HTTP 400.*indicator_kind"):
        client.send_daily_counts([{**COUNT, "indicator_kind": "md5"}])


def test_it_refuses_to_follow_a_redirect_with_its_token(live_server, personas) -> None:
    # Django redirects /admin (no slash) to /admin/: a redirect must not carry the token on.
    client = HubClient(live_server.url, personas.isp.token, timeout=10)

    with pytest.raises(HubError, match=r"HTTP 30.*redirected to /admin/"):
        client._request("GET", "/admin")


def test_it_reports_a_hub_it_cannot_reach() -> None:
    client = HubClient("http://127.0.0.1:9", "cn_token", timeout=2)

    with pytest.raises(HubError, match="cannot reach the hub"):
        list(client.events(since=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
