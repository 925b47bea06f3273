"""The connect scan says open, closed or filtered, and paces per network."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from cleannet.engines.exposure import NetworkPacer, PortState, TokenBucket, connect_scan

from .servers import closed_port, greeter, serve


def test_it_tells_open_from_closed_ports() -> None:
    async def go() -> dict[str, PortState]:
        closed = closed_port()
        try:
            async with serve(greeter(b"")) as (port, counter):
                shut = closed.getsockname()[1]
                pairs = [("127.0.0.1", port), ("127.0.0.1", shut)]
                states = {r.port: r.state async for r in connect_scan(pairs, concurrency=2)}
                await asyncio.sleep(0.05)
                assert counter.accepted == 1
                return {"open": states[port], "closed": states[shut]}
        finally:
            closed.close()

    assert asyncio.run(go()) == {"open": PortState.OPEN, "closed": PortState.CLOSED}


def test_it_scans_every_pair_exactly_once_with_few_workers() -> None:
    async def go() -> list[int]:
        async with serve(greeter(b"")) as (port, counter):
            pairs = [("127.0.0.1", port)] * 25
            results = [r async for r in connect_scan(pairs, concurrency=4)]
            await asyncio.sleep(0.05)
            assert counter.accepted == 25
            return [r.port for r in results if r.state is PortState.OPEN]

    assert len(asyncio.run(go())) == 25


def test_it_spaces_packets_after_the_burst() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=10, burst=2, clock=lambda: now[0])
    assert [bucket.reserve() for _ in range(4)] == pytest.approx([0.0, 0.0, 0.1, 0.2])
    now[0] = 10.0
    assert bucket.reserve() == 0.0
    assert TokenBucket(rate=0).reserve() == 0.0


def test_it_paces_each_network_with_its_own_bucket() -> None:
    pacer = NetworkPacer(
        [(ipaddress.ip_network("127.0.0.0/24"), 5), (ipaddress.ip_network("127.0.0.0/28"), 1)]
    )
    assert pacer.bucket_for("127.0.0.2") is not pacer.bucket_for("127.0.0.100")
    assert pacer.bucket_for("127.0.0.2") is pacer.bucket_for("127.0.0.3")
    assert pacer.bucket_for("10.0.0.1") is not pacer.bucket_for("127.0.0.100")
