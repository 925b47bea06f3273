"""A hub with intelligence for the node tests, and a node configured against it.

The hub (served by ``live_server`` in the tests that pull from it) has a Mirai domain, a
C2 address, a network, a URL, a hash (no log can match it), a TLP:RED domain (not for
ISPs) and an expired domain; Song Hong Net (``personas.isp``) has two recent events and
an old one, Phuong Nam Net one. ``node_settings`` points a node at a hub URL with the
ISP operator's token and at copies of ``fixtures/`` (a Zeek dns.log and a CSV lease file).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cleannet.server.config import NodeSettings
from cleannet.server.intel import services as intel
from cleannet.server.intel.models import MalwareFamily

FIXTURES = Path(__file__).parent / "fixtures"
SEEN = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
EXPIRES = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)


@dataclass
class Hub:
    recent: dt.datetime  # time.source of the ISP's recent events (a day ago, to the second)


@pytest.fixture
def hub(personas, networks, make_event) -> Hub:
    mirai = intel.add_family(None, "Mirai", MalwareFamily.Kind.BOTNET)
    intel.add_feed(None, "sinkhole", "Shadowserver", "shadowserver-csv")
    for kind, value, extra in [
        ("domain", "evil.example", {"family": mirai}),
        ("ipv4", "198.51.100.66", {"family": mirai}),
        ("cidr", "192.0.2.0/24", {}),
        ("url", "http://bad.example/payload.sh", {"tlp": "GREEN"}),
        ("sha256", "b" * 64, {}),
        ("domain", "secret.example", {"tlp": "RED"}),
        ("domain", "expired.example", {"valid_until": EXPIRES}),
    ]:
        intel.upsert_indicator(None, kind, value, SEEN, **extra)
    recent = (timezone.now() - dt.timedelta(days=1)).replace(microsecond=0)
    events = [
        make_event(source_ip="203.0.113.7", source_port=40001, malware_name="mirai",
                   time_source=recent.isoformat(), feed_name="sinkhole"),
        make_event(source_ip="203.0.113.8", time_source=recent.isoformat(), feed_name="sinkhole"),
        make_event(source_ip="203.0.113.7", time_source="2020-06-01T00:00:00Z"),
        make_event(source_ip="198.51.100.4", time_source=recent.isoformat()),
    ]  # fmt: skip
    intel.record_events(None, events)
    return Hub(recent=recent)


@pytest.fixture
def node_dirs(tmp_path: Path) -> dict[str, Path]:
    """Copies of the fixture logs and leases, which a test may change."""
    dirs = {}
    for name in ("logs", "leases"):
        dirs[name] = tmp_path / name
        shutil.copytree(FIXTURES / name, dirs[name])
    return dirs


@pytest.fixture
def node_settings(settings: Any, personas, node_dirs, tmp_path: Path) -> Any:
    """Make this server a node of ``http://127.0.0.1:9`` (nothing listens there); tests that
    pull set ``hub_url`` to the live server's with ``replace``."""
    settings.VAR_DIR = tmp_path / "var"
    settings.CLEANNET_NODE = NodeSettings(
        hub_url="http://127.0.0.1:9",
        hub_token=personas.isp.token,
        hub_timeout=10.0,
        log_dir=node_dirs["logs"],
        log_glob="dns*.log*",
        log_format="zeek-dns",
        lease_dir=node_dirs["leases"],
        lease_format="csv",
        schedule="60",
    )
    return settings
