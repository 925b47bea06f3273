"""The probe stage split over worker processes finds exactly what one process finds."""

from __future__ import annotations

import asyncio
from typing import cast

from cleannet.engines.exposure import Finding, Probe, ProbeContext, Target
from cleannet.engines.exposure.scanner import probe_services

from .servers import SshOn, greeter, serve


def test_it_finds_the_same_services_with_two_worker_processes() -> None:
    async def go() -> list[list[tuple[int, str, str, int]]]:
        async with serve(greeter(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")) as (port, counter):
            targets = [Target("127.0.0.1", port)] * 12
            runs = []
            for workers in (1, 2):
                items = [
                    item
                    async for item in probe_services(
                        targets,
                        {"ssh": cast(Probe, SshOn(port))},
                        context=ProbeContext(),
                        timeout=2.0,
                        concurrency=4,
                        workers=workers,
                    )
                ]
                found = [i for i in items if isinstance(i, Finding)]
                done = sum(1 for i in items if not isinstance(i, Finding))
                runs.append(sorted((f.port, f.product, f.version, done) for f in found))
            assert counter.accepted == 24
            return runs

    alone, split = asyncio.run(go())
    assert split == alone
    assert len(split) == 12 and split[0][1:] == ("OpenSSH", "9.2p1", 12)
