"""The registry kept in step with the Feed rows: created, updated, disabled, all audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannet.engines.feeds.registry import Registry, load_registry
from cleannet.server.accounts.models import AuditEntry
from cleannet.server.intel import services
from cleannet.server.intel.feed_sync import SYNC_ACTION, sync_feeds
from cleannet.server.intel.models import Feed

pytestmark = pytest.mark.django_db

FEED = """
[[feed]]
name = "{name}"
provider = "Partner CERT"
format = "feodo"
url = "https://feeds.partner.example/{name}.csv"
schedule = "{schedule}"
tlp = "AMBER"
accuracy = {accuracy}
classification_type = "c2-server"
documentation = "https://partner.example/"
"""


def _registry(tmp_path: Path, *feeds: dict[str, object]) -> Registry:
    path = tmp_path / "feeds.toml"
    defaults = {"schedule": "0 * * * *", "accuracy": 80}
    path.write_text("".join(FEED.format(**{**defaults, **f}) for f in feeds), encoding="utf-8")
    return load_registry(path)


def _audited(name: str) -> int:
    feed = Feed.objects.get(name=name)
    return AuditEntry.objects.filter(action=SYNC_ACTION, object_id=str(feed.pk)).count()


def test_it_creates_a_row_per_registry_feed_through_the_services(tmp_path: Path) -> None:
    result = sync_feeds(_registry(tmp_path, {"name": "a"}, {"name": "b", "schedule": "manual"}))

    assert result.created == ["a", "b"]
    a, b = Feed.objects.order_by("name")
    assert (a.format, a.url, a.schedule, a.accuracy) == (
        "feodo",
        "https://feeds.partner.example/a.csv",
        "0 * * * *",
        80,
    )
    assert b.schedule == ""  # manual
    assert AuditEntry.objects.filter(action="feed.add", object_id=str(a.pk)).exists()
    assert _audited("a") == 1


def test_it_writes_nothing_when_the_rows_already_agree(tmp_path: Path) -> None:
    registry = _registry(tmp_path, {"name": "a"})
    sync_feeds(registry)
    entries = AuditEntry.objects.count()

    result = sync_feeds(registry)

    assert (result.created, result.updated, result.disabled) == ([], [], [])
    assert AuditEntry.objects.count() == entries


def test_it_updates_a_changed_feed_and_audits_before_and_after(tmp_path: Path) -> None:
    sync_feeds(_registry(tmp_path, {"name": "a"}))

    result = sync_feeds(_registry(tmp_path, {"name": "a", "accuracy": 55}))

    assert result.updated == ["a"]
    assert Feed.objects.get(name="a").accuracy == 55
    change = AuditEntry.objects.filter(action=SYNC_ACTION).first()
    assert change is not None
    assert (change.before["accuracy"], change.after["accuracy"]) == (80, 55)


def test_it_disables_a_feed_gone_from_the_registry_and_keeps_it(tmp_path: Path) -> None:
    sync_feeds(_registry(tmp_path, {"name": "a"}, {"name": "b"}))

    result = sync_feeds(_registry(tmp_path, {"name": "a"}))

    assert result.disabled == ["b"]
    assert Feed.objects.get(name="b").enabled is False
    assert Feed.objects.get(name="a").enabled is True


def test_it_leaves_alone_a_feed_declared_another_way(tmp_path: Path) -> None:
    services.add_feed(None, "hand-made", "Analyst", "list")

    sync_feeds(_registry(tmp_path, {"name": "a"}))

    assert Feed.objects.get(name="hand-made").enabled is True


def test_it_takes_over_a_feed_of_the_same_name_declared_by_hand(tmp_path: Path) -> None:
    services.add_feed(None, "a", "Partner CERT", "feodo", accuracy=80, tlp="AMBER")

    result = sync_feeds(_registry(tmp_path, {"name": "a"}))
    sync_feeds(_registry(tmp_path, {"name": "z"}))

    assert result.updated == ["a"]
    assert Feed.objects.get(name="a").enabled is False  # the registry's now, so it is disabled
