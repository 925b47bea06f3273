"""A whole scan: refusals first and without a packet, then port states, then findings."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import pytest

from cleannet.engines.exposure import (
    Finding,
    PortResult,
    PortState,
    Refusal,
    ScanEvent,
    ScanProgress,
    ScopeError,
    scan,
    select_probes,
    user_agent,
)

from .servers import TODAY, SshOn, greeter, loopback_scope, serve

URL = "https://cleannet.example/scanner"


async def collect(*args: object, **kwargs: object) -> list[ScanEvent]:
    return [event async for event in scan(*args, **kwargs)]  # type: ignore[arg-type]


def test_it_refuses_an_out_of_scope_target_without_connecting() -> None:
    async def go() -> tuple[list[ScanEvent], int]:
        async with serve(greeter(b"SSH-2.0-OpenSSH_9.2p1\r\n")) as (port, counter):
            scope = loopback_scope(networks=["127.0.1.0/24"])
            events = await collect(scope, ["127.0.0.1"], [port], contact_url=URL, today=TODAY)
            await asyncio.sleep(0.05)
            return events, counter.accepted

    events, accepted = asyncio.run(go())
    assert accepted == 0
    assert [type(e) for e in events] == [Refusal]
    assert "outside the networks" in events[0].reason  # type: ignore[union-attr]


def test_it_refuses_every_target_once_the_authority_expired() -> None:
    async def go() -> tuple[list[ScanEvent], int]:
        async with serve(greeter(b"")) as (port, counter):
            events = await collect(
                loopback_scope(), ["127.0.0.1"], [port], contact_url=URL, today=date(2027, 1, 1)
            )
            return events, counter.accepted

    events, accepted = asyncio.run(go())
    assert accepted == 0
    assert "expired" in events[0].reason  # type: ignore[union-attr]


def test_it_scans_ports_then_probes_what_is_open() -> None:
    steps: list[ScanProgress] = []

    async def go() -> list[ScanEvent]:
        async with serve(greeter(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")) as (port, _):
            probes = {"ssh-here": SshOn(port)}
            return await collect(
                loopback_scope(),
                ["127.0.0.1", "192.0.2.1"],
                [port],
                contact_url=URL,
                today=TODAY,
                probes=probes,
                progress=lambda state: steps.append(dataclasses.replace(state)),
            )

    events = asyncio.run(go())
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Refusal", "PortResult", "Finding"]
    assert isinstance(events[1], PortResult) and events[1].state is PortState.OPEN
    assert isinstance(events[2], Finding) and events[2].product == "OpenSSH"
    assert (steps[-1].hosts, steps[-1].refused, steps[-1].open, steps[-1].findings) == (1, 1, 1, 1)


def test_it_names_itself_with_the_callers_contact_url() -> None:
    assert user_agent(URL) == "CleanNet-ExposureScanner/1 (+https://cleannet.example/scanner)"
    with pytest.raises(ScopeError):
        user_agent("mailto:someone")


def test_it_refuses_an_unknown_probe_name() -> None:
    with pytest.raises(KeyError, match="nosuch"):
        select_probes(["nosuch"])


def test_it_never_forks_unless_the_caller_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan inside the server or the task worker stays in its process however large."""

    def no_fork() -> int:
        raise AssertionError("forked")

    monkeypatch.setattr("cleannet.engines.exposure.scanner.worker_count", lambda *_: 2)
    monkeypatch.setattr("os.fork", no_fork)

    async def go() -> list[ScanEvent]:
        async with serve(greeter(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")) as (port, _):
            return await collect(
                loopback_scope(), ["127.0.0.1"], [port], contact_url=URL, today=TODAY,
                probes={"ssh-here": SshOn(port)},
            )  # fmt: skip

    kinds = [type(e).__name__ for e in asyncio.run(go())]
    assert kinds == ["PortResult", "Finding"]
