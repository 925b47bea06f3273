"""Running scans on loopback: refusals before any packet, findings, events, fixes, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.exposure.models import ExposureFinding, ScanRun, ScanScope
from cleannet.server.exposure.scans import scan_lock_name
from cleannet.server.exposure.services import add_opt_out, run_scan, update_scope
from cleannet.server.intel.models import Event as StoredEvent
from cleannet.server.networks import services as network_services

GUARDED = b"-NOAUTH Authentication required.\r\n"
CONTACT = "https://cleannet.example/scanning/"


@pytest.fixture
def redis_scope(
    make_scope: Callable[..., ScanScope], fake_redis: Any, redis_on: Callable[[int], None]
) -> ScanScope:
    redis_on(fake_redis.port)
    return make_scope(ports=[fake_redis.port])


def _scan(actor: Any, scope: ScanScope, **options: Any) -> ScanRun:
    return run_scan(actor, scope, contact_url=CONTACT, timeout=2.0, **options)


def test_it_records_findings_and_events_for_an_open_redis(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    run = _scan(personas.admin.user, redis_scope)
    assert (run.status, run.open_ports, run.findings, run.new_findings) == ("finished", 1, 2, 2)
    assert run.started_by == personas.admin.user
    assert fake_redis.accepts >= 1
    found = {f.tag: f for f in ExposureFinding.objects.all()}
    assert set(found) == {"open-redis", "vulnerable-version"}
    assert found["open-redis"].owner == personas.isp_org  # no prefix holder: the scope's owner
    assert found["open-redis"].version == "6.0.5"
    assert found["vulnerable-version"].cves == ["CVE-2022-24834"]
    event = found["vulnerable-version"].event
    assert event is not None
    assert (event.classification_taxonomy, event.classification_type) == (
        "vulnerable",
        "vulnerable-system",
    )
    assert event.owner == personas.isp_org
    assert event.source_ip == "127.0.0.1"
    assert event.source_port == fake_redis.port
    assert event.data["feed.name"] == "cleannet-exposure"
    assert event.data["protocol.application"] == "redis"
    assert event.data["extra.report_type"] == "scan_redis"
    assert event.data["extra.tag"] == "vulnerable-version"
    assert event.data["extra.cves"] == ["CVE-2022-24834"]


def test_it_logs_every_scan_in_the_audit(redis_scope: ScanScope, personas: Any) -> None:
    run = _scan(personas.analyst.user, redis_scope)
    entry = AuditEntry.objects.get(action="exposure.scan.run")
    assert (entry.actor, entry.object_id) == (personas.analyst.user, str(run.pk))
    assert entry.after is not None
    assert entry.after["status"] == "finished"
    assert entry.after["targets"] == ["127.0.0.1/32"]
    assert AuditEntry.objects.filter(action="events.record").count() == 1


def test_it_marks_findings_fixed_when_the_service_is_guarded_then_closed(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    _scan(personas.admin.user, redis_scope)
    fake_redis.answer(GUARDED)
    second = _scan(personas.admin.user, redis_scope)
    assert (second.new_findings, second.fixed_findings) == (1, 2)
    fixed = set(
        ExposureFinding.objects.filter(fixed_at__isnull=False).values_list("tag", flat=True)
    )
    assert fixed == {"open-redis", "vulnerable-version"}
    fake_redis.stop()
    third = _scan(personas.admin.user, redis_scope)
    assert (third.open_ports, third.fixed_findings) == (0, 1)
    assert not ExposureFinding.objects.filter(fixed_at__isnull=True).exists()


def test_it_reopens_a_fixed_finding_seen_again(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    first = _scan(personas.admin.user, redis_scope)
    fake_redis.answer(GUARDED)
    _scan(personas.admin.user, redis_scope)
    fake_redis.answer(b"$%d\r\n# Server\r\nredis_version:7.2.4\r\n\r\n" % 31)
    third = _scan(personas.admin.user, redis_scope)
    row = ExposureFinding.objects.get(tag="open-redis")
    assert row.fixed_at is None
    assert row.last_run == third
    assert row.first_seen <= first.finished_at  # type: ignore[operator]
    assert row.version == "7.2.4"
    assert third.new_findings == 1
    assert "reopened" in third.note
    assert ExposureFinding.objects.get(tag="vulnerable-version").fixed_at is not None


def test_it_records_an_event_per_run_while_the_finding_stays_open(
    redis_scope: ScanScope, personas: Any
) -> None:
    _scan(personas.admin.user, redis_scope)
    _scan(personas.admin.user, redis_scope)
    assert StoredEvent.objects.filter(classification_identifier="open-redis").count() == 2
    latest = StoredEvent.objects.filter(classification_identifier="open-redis").first()
    assert ExposureFinding.objects.get(tag="open-redis").event == latest


def test_it_refuses_an_expired_approval_before_any_packet(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    later = redis_scope.approved_until + dt.timedelta(days=1)
    run = _scan(personas.admin.user, redis_scope, today=later)
    assert run.status == "refused"
    assert "expired" in run.error
    assert fake_redis.accepts == 0
    assert AuditEntry.objects.filter(action="exposure.scan.refused").count() == 1


def test_it_refuses_a_scope_whose_stored_approval_ran_out(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    ScanScope.objects.filter(pk=redis_scope.pk).update(approved_until=dt.date(2020, 1, 1))
    redis_scope.refresh_from_db()
    run = _scan(personas.admin.user, redis_scope)
    assert (run.status, fake_redis.accepts) == ("refused", 0)


def test_it_refuses_a_disabled_scope(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    update_scope(personas.admin.user, redis_scope, enabled=False)
    run = _scan(personas.admin.user, redis_scope)
    assert run.status == "refused"
    assert fake_redis.accepts == 0


def test_it_refuses_a_scope_that_is_being_scanned(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    with HUEY.lock_task(scan_lock_name(redis_scope)):
        run = _scan(personas.admin.user, redis_scope)
    assert run.status == "refused"
    assert fake_redis.accepts == 0


def test_it_refuses_a_target_outside_the_scope_without_connecting(
    make_scope: Callable[..., ScanScope], listener: Callable[[str], Any], personas: Any
) -> None:
    outside = listener("127.0.0.2")
    scope = make_scope(ports=[outside.port])
    run = _scan(personas.admin.user, scope, targets=["127.0.0.2"])
    assert run.status == "finished"
    assert [r["target"] for r in run.refused] == ["127.0.0.2"]
    assert outside.accepts == 0


def test_it_honours_an_opt_out_added_after_the_scope(
    redis_scope: ScanScope, fake_redis: Any, personas: Any
) -> None:
    add_opt_out(personas.admin.user, network="127.0.0.1/32", reason="the owner asked")
    run = _scan(personas.admin.user, redis_scope)
    assert run.refused and "opted out" in run.refused[0]["reason"]
    assert (run.open_ports, fake_redis.accepts) == (0, 0)
    assert not ExposureFinding.objects.exists()


@pytest.mark.parametrize("who", ["isp", "member"])
def test_it_lets_only_the_authority_run_scans(
    redis_scope: ScanScope, fake_redis: Any, personas: Any, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        _scan(getattr(personas, who).user, redis_scope)
    assert not ScanRun.objects.exists()
    assert fake_redis.accepts == 0


def test_it_gives_a_finding_to_the_holder_of_the_prefix(
    redis_scope: ScanScope, personas: Any
) -> None:
    network_services.add_prefix(
        None, "127.0.0.0/24", personas.other_isp_org, timezone.localdate() - dt.timedelta(days=9)
    )
    _scan(None, redis_scope)
    row = ExposureFinding.objects.get(tag="open-redis")
    assert row.owner == personas.other_isp_org
    assert row.event is not None and row.event.owner == personas.other_isp_org
    assert ScanRun.objects.get().started_by is None
