"""The connect scan's own epoll loop: deadlines, pacing slots, and an abandoned scan."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncGenerator
from typing import cast

from cleannet.engines.exposure import PortResult, PortState, connect_one, connect_scan

from .servers import closed_port, greeter, serve


class _SlowBucket:
    """A bucket that asks every connection to wait a little, and counts the reservations."""

    def __init__(self) -> None:
        self.reserved = 0

    def reserve(self) -> float:
        self.reserved += 1
        return 0.002 * (self.reserved % 3)


class _Pacer:
    def __init__(self) -> None:
        self.bucket = _SlowBucket()

    def bucket_for(self, ip: str) -> _SlowBucket:
        return self.bucket


def test_it_calls_a_port_filtered_when_no_handshake_comes_in_time() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)  # never accepted: once its queue is full, new handshakes get no answer
    port = listener.getsockname()[1]
    fillers = [socket.socket() for _ in range(4)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))

    async def go() -> PortState:
        await asyncio.sleep(0.05)
        return await connect_one("127.0.0.1", port, timeout=0.3)

    try:
        assert asyncio.run(go()) is PortState.FILTERED
    finally:
        for sock in [*fillers, listener]:
            sock.close()


def test_it_waits_for_the_pacer_of_every_pair_and_scans_each_once() -> None:
    pacer = _Pacer()
    closed = closed_port()
    shut = closed.getsockname()[1]

    async def go() -> list[PortState]:
        pairs = [("127.0.0.1", shut)] * 30
        return [r.state async for r in connect_scan(pairs, concurrency=4, pacer=pacer)]  # type: ignore[arg-type]

    try:
        states = asyncio.run(go())
    finally:
        closed.close()
    assert states == [PortState.CLOSED] * 30
    assert pacer.bucket.reserved == 30


def test_it_stops_cleanly_when_the_caller_stops_reading() -> None:
    async def go() -> tuple[int, int]:
        async with serve(greeter(b"")) as (port, _):
            pairs = [("127.0.0.1", port)] * 200
            scan = cast(AsyncGenerator[PortResult, None], connect_scan(pairs, concurrency=50))
            seen = 0
            async for _ in scan:
                seen += 1
                if seen == 10:
                    break
            await scan.aclose()
            again = [r async for r in connect_scan([("127.0.0.1", port)], concurrency=1)]
            return seen, len(again)

    assert asyncio.run(go()) == (10, 1)
