"""Pacing: at most ``rate`` new connections per second to each scoped network.

Each network has its own bucket (GCRA: one theoretical arrival time, O(1) per packet, first
come first served), so one slow network never holds another. A burst of up to ``burst`` packets
may go at once; after that they are spaced ``1 / rate`` apart.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable, Iterable

__all__ = ["NetworkPacer", "TokenBucket"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class TokenBucket:
    """Spaces calls to ``wait`` at ``rate`` per second after a burst; ``rate <= 0``: no limit."""

    __slots__ = ("_clock", "_interval", "_tat", "_tolerance")

    def __init__(
        self, rate: float, burst: int = 1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._tolerance = self._interval * max(burst - 1, 0)
        self._tat = 0.0
        self._clock = clock

    def reserve(self) -> float:
        """Take the next slot; return how many seconds the caller must wait before using it."""
        if not self._interval:
            return 0.0
        now = self._clock()
        tat = max(self._tat, now)
        self._tat = tat + self._interval
        return max(tat - self._tolerance - now, 0.0)

    async def wait(self) -> None:
        """Return when the caller may send its next packet."""
        delay = self.reserve()
        if delay > 0:
            await asyncio.sleep(delay)


class NetworkPacer:
    """One ``TokenBucket`` per network; an address takes the bucket of the narrowest network
    holding it, and addresses outside every network share ``default_rate``'s bucket."""

    def __init__(
        self,
        networks: Iterable[tuple[IPNetwork, float]] = (),
        default_rate: float = 0.0,
        burst: int = 32,
    ) -> None:
        ordered = sorted(networks, key=lambda item: item[0].prefixlen, reverse=True)
        self._config = (ordered, default_rate, burst)
        self._buckets = [(net, TokenBucket(rate, burst)) for net, rate in ordered]
        self._default = TokenBucket(default_rate, burst)
        self._by_address: dict[str, TokenBucket] = {}

    def split(self, parts: int) -> NetworkPacer:
        """A fresh pacer for one of ``parts`` processes sharing this one's limits: each network's
        rate and burst divided by ``parts``, so together they never exceed them."""
        ordered, default_rate, burst = self._config
        shares = [(net, rate / parts) for net, rate in ordered]
        return NetworkPacer(shares, default_rate / parts, max(burst // parts, 1))

    def bucket_for(self, ip: str) -> TokenBucket:
        """The bucket that paces ``ip`` (cached per address: a host has many ports)."""
        bucket = self._by_address.get(ip)
        if bucket is None:
            address = ipaddress.ip_address(ip)
            bucket = next((b for net, b in self._buckets if address in net), self._default)
            self._by_address[ip] = bucket
        return bucket

    async def wait(self, ip: str) -> None:
        """Return when a new connection to ``ip`` may be opened."""
        delay = self.bucket_for(ip).reserve()
        if delay > 0:
            await asyncio.sleep(delay)
