"""Who sees which findings, the classification table, and the scheduled scans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from huey.contrib.djhuey import HUEY

from cleannet.core.taxonomy import classify
from cleannet.server.exposure import tasks
from cleannet.server.exposure.events import CLASSIFICATIONS
from cleannet.server.exposure.models import ExposureFinding, ScanRun, ScanScope
from cleannet.server.exposure.scans import scan_lock_name
from cleannet.server.exposure.services import run_scan, visible_findings

AT = dt.datetime(2026, 5, 1, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def redis_scope(
    make_scope: Callable[..., ScanScope], fake_redis: Any, redis_on: Callable[[int], None]
) -> ScanScope:
    redis_on(fake_redis.port)
    return make_scope(ports=[fake_redis.port], schedule="0 3 * * *")


@pytest.fixture
def fresh_tick() -> None:
    HUEY.delete(tasks.LAST_TICK_KEY)  # the in-memory queue outlives a test


def test_it_classifies_every_tag_within_rsit() -> None:
    for taxonomy, type_ in CLASSIFICATIONS.values():
        assert classify(type_, taxonomy).taxonomy == taxonomy


def test_it_shows_the_authority_every_finding_and_an_owner_its_own(
    redis_scope: ScanScope, personas: Any
) -> None:
    run_scan(personas.admin.user, redis_scope, contact_url="https://cleannet.example/scanning/")
    assert visible_findings(personas.analyst.user).count() == 2
    assert visible_findings(personas.isp.user).count() == 2
    assert not visible_findings(personas.other_isp.user).exists()
    assert not visible_findings(personas.member.user).exists()


def test_it_finds_a_scope_due_in_the_tick_window(redis_scope: ScanScope) -> None:
    assert tasks.due_scopes(AT) == [redis_scope]
    assert tasks.due_scopes(AT + dt.timedelta(minutes=14)) == [redis_scope]
    assert tasks.due_scopes(AT + dt.timedelta(minutes=15)) == []
    assert tasks.due_scopes(AT + dt.timedelta(minutes=20), since=AT) == []


def test_it_never_finds_a_manual_or_disabled_scope_due(
    make_scope: Callable[..., ScanScope],
) -> None:
    make_scope(name="manual")
    make_scope(name="off", schedule="* * * * *", enabled=False)
    assert tasks.due_scopes(AT) == []


def test_it_runs_a_due_scope_as_the_schedule(
    redis_scope: ScanScope, fake_redis: Any, monkeypatch: pytest.MonkeyPatch, fresh_tick: None
) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: AT)
    tasks.run_due_scans.call_local()
    run = ScanRun.objects.get()
    assert (run.status, run.started_by) == ("finished", None)
    assert ExposureFinding.objects.count() == 2
    assert fake_redis.accepts >= 1


def test_it_skips_a_due_scope_still_being_scanned(
    redis_scope: ScanScope, fake_redis: Any, monkeypatch: pytest.MonkeyPatch, fresh_tick: None
) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: AT)
    with HUEY.lock_task(scan_lock_name(redis_scope)):
        tasks.run_due_scans.call_local()
    assert not ScanRun.objects.exists()
    assert fake_redis.accepts == 0


def test_it_records_who_started_a_queued_scan(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    admin = personas.admin.user
    tasks.run_scope_task.call_local(redis_scope.pk, started_by_id=admin.pk)
    run = ScanRun.objects.get()
    assert (run.status, run.started_by) == ("finished", admin)
