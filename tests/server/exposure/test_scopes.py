"""Defining scan scopes and opt-outs: who may, what is refused, what is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cleannet.engines.exposure.scope import Scope
from cleannet.server.accounts.models import AuditEntry
from cleannet.server.exposure.models import ScanScope
from cleannet.server.exposure.services import add_opt_out, define_scope, update_scope


def _field_of(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(error.value.message_dict)


def test_it_defines_a_scope_the_engine_accepts_and_audits_it(
    make_scope: Callable[..., ScanScope], personas: Any
) -> None:
    scope = make_scope(hostnames=["*.Example.VN.", "www.example.vn"], ports="6379, 80")
    engine = scope.to_engine_scope()
    assert isinstance(engine, Scope)
    assert [str(n) for n in engine.networks] == ["127.0.0.1/32"]
    assert scope.hostnames == ["*.example.vn", "www.example.vn"]
    assert scope.ports == [80, 6379]
    assert scope.approved_by == personas.admin.user
    entry = AuditEntry.objects.get(action="exposure.scope.define")
    assert entry.actor == personas.admin.user
    assert entry.object_id == str(scope.pk)
    assert entry.after is not None
    assert entry.after["networks"] == ["127.0.0.1/32"]


@pytest.mark.parametrize("who", ["analyst", "isp", "member"])
def test_it_lets_only_authority_admins_define_scopes(personas: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        define_scope(getattr(personas, who).user, name="x", title="X", owner=personas.isp_org)
    assert not ScanScope.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"networks": ["127.0.0.1/33"]}, "networks"),
        ({"networks": ["not-a-network"]}, "networks"),
        ({"networks": ["127.0.0.0/8"]}, "networks"),
        ({"networks": []}, "networks"),
        ({"approved_until": dt.date(2020, 1, 1)}, "approved_until"),
        ({"approval_reference": " "}, "approval_reference"),
        ({"ports": [0]}, "ports"),
        ({"probes": ["nmap"]}, "probes"),
        ({"schedule": "every hour"}, "schedule"),
        ({"hostnames": ["bad name"]}, "hostnames"),
        ({"name": "Not A Slug"}, "name"),
        ({"rate_per_second": 0}, "rate_per_second"),
    ],
)
def test_it_refuses_a_bad_scope_naming_the_field(
    make_scope: Callable[..., ScanScope], fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        make_scope(**fields)
    assert _field_of(error) == [field]
    assert not ScanScope.objects.exists()


def test_it_accepts_a_wide_network_only_when_the_scope_says_so(
    make_scope: Callable[..., ScanScope],
) -> None:
    scope = make_scope(networks=["127.0.0.0/8"], allow_wide=True)
    assert scope.to_engine_scope().allow_wide


def test_it_updates_a_scope_with_before_and_after_in_the_audit(
    make_scope: Callable[..., ScanScope], personas: Any
) -> None:
    scope = make_scope()
    update_scope(personas.admin.user, scope, schedule="0 3 * * *", enabled=False)
    scope.refresh_from_db()
    assert (scope.schedule, scope.enabled) == ("0 3 * * *", False)
    entry = AuditEntry.objects.get(action="exposure.scope.update")
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["schedule"], entry.after["schedule"]) == ("", "0 3 * * *")


def test_it_refuses_an_update_by_someone_else(
    make_scope: Callable[..., ScanScope], personas: Any
) -> None:
    scope = make_scope()
    with pytest.raises(PermissionDenied):
        update_scope(personas.analyst.user, scope, enabled=False)
    scope.refresh_from_db()
    assert scope.enabled


def test_it_refuses_moving_the_approval_into_the_past(
    make_scope: Callable[..., ScanScope], personas: Any
) -> None:
    scope = make_scope()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        update_scope(personas.admin.user, scope, approved_until=yesterday)
    assert _field_of(error) == ["approved_until"]


def test_it_adds_an_opt_out_that_every_scope_applies(
    make_scope: Callable[..., ScanScope], personas: Any
) -> None:
    scope = make_scope()
    opt_out = add_opt_out(personas.admin.user, network="127.0.0.1", reason="owner asked")
    assert opt_out.network == "127.0.0.1/32"
    engine = scope.to_engine_scope([opt_out])
    assert [str(n) for n in engine.opt_out_networks] == ["127.0.0.1/32"]
    assert AuditEntry.objects.filter(action="exposure.optout.add").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": "no target"}, "network"),
        ({"network": "999.1.1.1", "reason": "x"}, "network"),
        ({"network": "127.0.0.1", "reason": " "}, "reason"),
        ({"hostname": "bad name", "reason": "x"}, "hostname"),
    ],
)
def test_it_refuses_a_bad_opt_out(personas: Any, fields: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        add_opt_out(personas.admin.user, **fields)
    assert _field_of(error) == [field]


def test_it_lets_only_authority_admins_add_opt_outs(personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        add_opt_out(personas.isp.user, network="127.0.0.1/32", reason="x")
