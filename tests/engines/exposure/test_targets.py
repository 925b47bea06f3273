"""Target specs and port lists are checked against the scope and refused with a reason."""

from __future__ import annotations

import pytest

from cleannet.engines.exposure import ScopeError, expand_targets, parse_ports

from .servers import TODAY, loopback_scope


def test_it_parses_ports_and_ranges() -> None:
    assert parse_ports("80, 22,8000-8002,80") == (22, 80, 8000, 8001, 8002)


@pytest.mark.parametrize("spec", ["0", "70000", "90-80", "http", ""])
def test_it_refuses_a_bad_port_spec(spec: str) -> None:
    with pytest.raises(ScopeError) as refused:
        parse_ports(spec)
    assert refused.value.field == "ports"


def test_it_expands_a_network_inside_the_scope_without_opted_out_addresses() -> None:
    scope = loopback_scope(opt_out_networks=["127.0.0.4/30"])
    expanded = expand_targets(scope, ["127.0.0.0/29"], TODAY)
    assert [t.ip for t in expanded.hosts] == ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    assert "3 address(es) opted out" in expanded.refusals[0].reason


def test_it_refuses_specs_outside_the_scope_and_keeps_the_rest() -> None:
    expanded = expand_targets(
        loopback_scope(hostnames=["svc.test"]),
        ["127.0.0.9", "127.0.1.0/24", "127.1.0.1", "svc.test", "other.test", "::1/200"],
        TODAY,
        resolve=lambda name: ["127.0.0.5"],
    )
    assert [(t.ip, t.hostname) for t in expanded.hosts] == [
        ("127.0.0.9", None),
        ("127.0.0.5", "svc.test"),
    ]
    refused = {r.target: r.reason for r in expanded.refusals}
    assert set(refused) == {"127.0.1.0/24", "127.1.0.1", "other.test", "::1/200"}
    assert "not inside the networks" in refused["127.0.1.0/24"]


def test_it_refuses_a_network_larger_than_the_limit() -> None:
    expanded = expand_targets(loopback_scope(), ["127.0.0.0/24"], TODAY, max_addresses=16)
    assert not expanded.hosts
    assert "more than 16 addresses" in expanded.refusals[0].reason
