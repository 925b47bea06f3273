"""The worker's feed tasks (huey in immediate mode): due feeds run, each on its own."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from huey.contrib.djhuey import HUEY

from cleannet.engines.feeds.registry import DEFAULT_REGISTRY, Registry, load_registry
from cleannet.server.intel import tasks
from cleannet.server.intel.feed_runner import feed_lock_name
from cleannet.server.intel.models import Feed, FeedRun
from cleannet.server.networks.index import forget_prefix_indexes

DEMO_LIST = DEFAULT_REGISTRY.parent / "demo" / "demo-c2-blocklist.csv"
FEED = """
[[feed]]
name = "{name}"
provider = "Partner CERT"
format = "feodo"
path = "{path}"
schedule = "{schedule}"
tlp = "AMBER"
accuracy = 80
classification_type = "c2-server"
documentation = "https://partner.example/"
enabled = {enabled}
"""


def _write_registry(tmp_path: Path, *feeds: dict[str, str]) -> Path:
    shutil.copy(DEMO_LIST, tmp_path / "c2.csv")
    defaults = {"path": "c2.csv", "schedule": "* * * * *", "enabled": "true"}
    path = tmp_path / "feeds.toml"
    path.write_text("".join(FEED.format(**{**defaults, **f}) for f in feeds), encoding="utf-8")
    return path


def _registry(tmp_path: Path, *feeds: dict[str, str]) -> Registry:
    return load_registry(_write_registry(tmp_path, *feeds))


@pytest.fixture
def feed_settings(settings: Any, tmp_path: Path) -> Any:
    forget_prefix_indexes()
    HUEY.delete(tasks.LAST_TICK_KEY)  # the in-memory queue outlives a test
    settings.VAR_DIR = tmp_path / "var"
    return settings


# --- Which feeds are due ------------------------------------------------------------------


def test_it_finds_the_feeds_whose_schedule_matches_the_minute(tmp_path: Path) -> None:
    registry = _registry(
        tmp_path,
        {"name": "hourly", "schedule": "5 * * * *"},
        {"name": "quarterly", "schedule": "*/15 * * * *"},
        {"name": "off", "schedule": "5 * * * *", "enabled": "false"},
        {"name": "by-hand", "schedule": "manual"},
    )

    at_five = dt.datetime(2026, 3, 1, 10, 5, 42, tzinfo=dt.UTC)
    at_fifteen = dt.datetime(2026, 3, 1, 10, 15, tzinfo=dt.UTC)

    assert tasks.due_feeds(registry, at_five) == ["hourly"]
    assert tasks.due_feeds(registry, at_fifteen) == ["quarterly"]


def test_it_reads_schedules_in_utc(tmp_path: Path) -> None:
    registry = _registry(tmp_path, {"name": "morning", "schedule": "0 6 * * *"})
    hanoi = dt.timezone(dt.timedelta(hours=7))

    assert tasks.due_feeds(registry, dt.datetime(2026, 3, 1, 13, 0, tzinfo=hanoi)) == ["morning"]
    assert tasks.due_feeds(registry, dt.datetime(2026, 3, 1, 6, 0, tzinfo=hanoi)) == []


def test_it_catches_up_on_the_minutes_since_the_previous_tick(tmp_path: Path) -> None:
    registry = _registry(tmp_path, {"name": "at-five", "schedule": "5 * * * *"})
    at = dt.datetime(2026, 3, 1, 10, 6, 20, tzinfo=dt.UTC)

    assert tasks.due_feeds(registry, at, since=at - dt.timedelta(minutes=3)) == ["at-five"]
    assert tasks.due_feeds(registry, at, since=at - dt.timedelta(seconds=10)) == []
    assert tasks.due_feeds(registry, at, since=at - dt.timedelta(minutes=1)) == []
    assert tasks.due_feeds(registry, at, since=at - dt.timedelta(days=1)) == ["at-five"]


def test_it_registers_the_tick_as_a_periodic_task_every_minute() -> None:
    names = {task.__name__ for task in HUEY._registry._periodic_tasks}

    assert any(name.endswith("run_due_feeds") for name in names)
    assert tasks.run_due_feeds.task_class().validate_datetime(dt.datetime(2026, 3, 1, 10, 7))


# --- The tick ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_tick_syncs_the_registry_and_runs_only_the_due_feeds(
    feed_settings: Any, tmp_path: Path
) -> None:
    feed_settings.CLEANNET_FEED_REGISTRY = _write_registry(
        tmp_path,
        {"name": "every-minute"},
        {"name": "new-year", "schedule": "0 0 1 1 *"},
    )

    tasks.run_due_feeds()

    assert set(Feed.objects.values_list("name", flat=True)) == {"every-minute", "new-year"}
    run = FeedRun.objects.get()
    assert (run.feed.name, run.status, run.accepted) == ("every-minute", "succeeded", 8)


@pytest.mark.django_db
def test_a_second_tick_in_the_same_minute_starts_nothing(
    feed_settings: Any, tmp_path: Path
) -> None:
    feed_settings.CLEANNET_FEED_REGISTRY = _write_registry(tmp_path, {"name": "every-minute"})
    now = dt.datetime(2026, 3, 1, 10, 6, 5, tzinfo=dt.UTC)

    with patch.object(tasks.timezone, "now", return_value=now):
        tasks.run_due_feeds()
    with patch.object(tasks.timezone, "now", return_value=now + dt.timedelta(seconds=40)):
        tasks.run_due_feeds()

    assert FeedRun.objects.count() == 1


@pytest.mark.django_db
def test_a_failing_feed_does_not_stop_the_others(feed_settings: Any, tmp_path: Path) -> None:
    feed_settings.CLEANNET_FEED_REGISTRY = _write_registry(
        tmp_path, {"name": "broken", "path": "missing.csv"}, {"name": "working"}
    )

    tasks.run_due_feeds()

    statuses = dict(FeedRun.objects.values_list("feed__name", "status"))
    assert statuses == {"broken": "failed", "working": "succeeded"}


@pytest.mark.django_db
def test_it_skips_a_feed_still_running_from_an_earlier_tick(
    feed_settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feed_settings.CLEANNET_FEED_REGISTRY = _write_registry(tmp_path, {"name": "slow"})
    caplog.set_level(logging.INFO, logger="cleannet.server.intel.tasks")

    with HUEY.lock_task(feed_lock_name("slow")):
        tasks.run_feed_task("slow")

    assert not FeedRun.objects.exists()
    assert "feed slow is still running" in caplog.text


@pytest.mark.django_db
def test_it_logs_a_feed_that_left_the_registry_before_its_task_ran(
    feed_settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    feed_settings.CLEANNET_FEED_REGISTRY = _write_registry(tmp_path, {"name": "kept"})

    tasks.run_feed_task("removed")

    assert "feed removed not run" in caplog.text
    assert not FeedRun.objects.exists()


# --- Locks left by a dead worker -----------------------------------------------------------


def test_a_starting_worker_releases_feed_locks_once(
    feed_settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_settings.CLEANNET_FEED_REGISTRY = _write_registry(tmp_path, {"name": "stuck"})
    monkeypatch.setattr(tasks, "_locks_released", None)
    HUEY.lock_task(feed_lock_name("stuck")).acquire()  # as a killed worker would leave it

    tasks.release_feed_locks_left_by_a_dead_worker()
    HUEY.lock_task(feed_lock_name("stuck")).acquire()  # now held by a live run
    tasks.release_feed_locks_left_by_a_dead_worker()  # a second worker thread starting

    assert tasks._locks_released == [feed_lock_name("stuck")]
    assert HUEY.is_locked(feed_lock_name("stuck"))
    HUEY.flush_locks(feed_lock_name("stuck"))
