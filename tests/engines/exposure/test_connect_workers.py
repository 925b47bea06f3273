"""A connect scan split over worker processes says exactly what one process says."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from cleannet.engines.exposure import NetworkPacer, PortState, connect_scan
from cleannet.engines.exposure.connect import in_workers, worker_count

from .servers import closed_port, greeter, serve


def _scan_both_ways() -> tuple[list[tuple[int, PortState]], list[tuple[int, PortState]]]:
    async def go() -> tuple[list[tuple[int, PortState]], list[tuple[int, PortState]]]:
        shut = closed_port()
        try:
            async with serve(greeter(b"")) as (port, _):
                gone = shut.getsockname()[1]
                pairs = [("127.0.0.1", port), ("127.0.0.1", gone)] * 10
                runs = []
                for workers in (1, 2):
                    results = [r async for r in connect_scan(pairs, workers=workers)]
                    runs.append(sorted((r.port, r.state) for r in results))
                return runs[0], runs[1]
        finally:
            shut.close()

    return asyncio.run(go())


def test_it_gives_the_same_states_with_two_worker_processes() -> None:
    alone, split = _scan_both_ways()
    assert split == alone
    assert len(split) == 20
    assert {state for _, state in split} == {PortState.OPEN, PortState.CLOSED}


def test_it_forks_only_for_large_lists() -> None:
    assert worker_count(10, minimum=2048) == 1
    assert worker_count(5000, minimum=2048) in (1, 2)  # 2 unless the machine has one core


def test_it_gives_each_worker_a_share_of_every_networks_rate() -> None:
    net = ipaddress.ip_network("127.0.0.0/24")
    half = NetworkPacer([(net, 10)], burst=4).split(2)
    bucket = half.bucket_for("127.0.0.1")
    delays = [bucket.reserve() for _ in range(3)]
    assert delays[:2] == [0.0, 0.0]  # the burst is halved to two
    assert delays[2] == pytest.approx(0.2, abs=0.02)  # 5 per second: one every 0.2 s


def test_it_raises_when_a_worker_process_dies_before_finishing() -> None:
    async def broken(index: int, parts: int):  # type: ignore[no-untyped-def]
        raise OSError("boom")
        yield []  # pragma: no cover - makes this an async generator

    async def go() -> None:
        async for _ in in_workers(broken, 2):
            pass

    with pytest.raises(RuntimeError, match="ended before"):
        asyncio.run(go())
