"""The TCP connect scan: one handshake per (address, port), open / closed / filtered.

Every attempt of a scan lives in one ``select.epoll`` of its own, whose single descriptor the
asyncio loop watches: a batch of answers costs one wake-up, not one task, future and timer per
port. At most ``concurrency`` attempts are under way (or waiting for their network's pacer), so
memory stays flat however many pairs there are. Each attempt is a raw non-blocking socket,
aborted with a reset once the handshake completes (no TIME_WAIT on the scanning side). A reset
answer means closed; no answer within ``timeout`` or an ICMP unreachable means filtered.

A large scan is split over ``workers`` forked processes (``in_workers``): loopback and LAN
handshakes cost kernel time in the process that connects, so two processes on two cores finish
sooner. Each worker takes every n-th pair with 1/n of the slots and of every network's rate.
"""

from __future__ import annotations

import _socket
import asyncio
import contextlib
import errno
import heapq
import itertools
import logging
import os
import pickle
import select
import signal
import socket
import struct
import time
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Iterator, Sized
from datetime import datetime
from typing import NoReturn, TypeVar

from cleannet.engines.exposure.model import PortResult, PortState, utc_now
from cleannet.engines.exposure.ratelimit import NetworkPacer

__all__ = [
    "DEFAULT_CONCURRENCY",
    "PARALLEL_MIN_PAIRS",
    "connect_one",
    "connect_scan",
    "in_workers",
    "worker_count",
]

DEFAULT_CONCURRENCY = 2000
# Below this many pairs one process is as fast: forking and relaying cost a few milliseconds.
PARALLEL_MIN_PAIRS = 2048
_log = logging.getLogger(__name__)
_T = TypeVar("_T")
_RESET_ON_CLOSE = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close sends RST
_OPEN, _CLOSED, _FILTERED = PortState.OPEN, PortState.CLOSED, PortState.FILTERED
_STATES = {0: _OPEN, errno.ECONNREFUSED: _CLOSED}
_OUT_OF_DESCRIPTORS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
_STREAM = socket.SOCK_STREAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC
_WRITABLE = select.EPOLLOUT

# One attempt under way: the socket, where it goes, and when it counts as filtered.
_Attempt = tuple[_socket.socket, str, int, float]


async def connect_one(ip: str, port: int, timeout: float) -> PortState:
    """Try one TCP handshake with ``ip:port`` and say how it went; never raises for the network."""
    async for result in connect_scan([(ip, port)], timeout=timeout, concurrency=1):
        return result.state
    return _FILTERED  # unreachable: one pair always gives one result


async def connect_scan(
    pairs: Iterable[tuple[str, int]],
    *,
    timeout: float = 1.0,
    concurrency: int = DEFAULT_CONCURRENCY,
    pacer: NetworkPacer | None = None,
    workers: int | None = None,
) -> AsyncIterator[PortResult]:
    """Yield one ``PortResult`` per pair, in completion order, ``concurrency`` at a time.

    Pairs are consumed lazily; the caller has already checked them against the scope. Each new
    connection waits for ``pacer`` (per network), holding its slot meanwhile. ``workers``: how
    many processes share the scan (``None``: 2 for a sized list of ``PARALLEL_MIN_PAIRS`` or
    more on a multi-core machine, else 1); the results are the same either way.
    """
    if workers is None:
        size = len(pairs) if isinstance(pairs, Sized) else 0
        workers = worker_count(size, PARALLEL_MIN_PAIRS)
    source, slots = iter(pairs), max(concurrency, 1)

    def share(index: int, parts: int) -> AsyncGenerator[list[PortResult], None]:
        mine = itertools.islice(source, index, None, parts)
        split = pacer.split(parts) if pacer is not None and parts > 1 else pacer
        return _connect_batches(mine, timeout, max(slots // parts, 1), split)

    if workers > 1:
        stage = _unpacked(in_workers(lambda index, parts: _packed(share(index, parts)), workers))
    else:
        stage = share(0, 1)
    async with contextlib.aclosing(stage) as batches:
        async for batch in batches:
            for result in batch:
                yield result


# A result as a worker sends it: plain values pickle several times faster than the dataclass.
_Packed = tuple[str, int, str, datetime]
_BY_VALUE = {state.value: state for state in PortState}


async def _packed(
    batches: AsyncIterator[list[PortResult]],
) -> AsyncGenerator[list[_Packed], None]:  # pragma: no cover - runs in a forked worker
    async for batch in batches:
        yield [(r.ip, r.port, r.state.value, r.observed_at) for r in batch]


async def _unpacked(
    batches: AsyncGenerator[list[_Packed], None],
) -> AsyncGenerator[list[PortResult], None]:
    async with contextlib.aclosing(batches):
        async for batch in batches:
            yield [PortResult(ip, port, _BY_VALUE[s], observed_at=at) for ip, port, s, at in batch]


async def _connect_batches(
    source: Iterator[tuple[str, int]], timeout: float, slots: int, pacer: NetworkPacer | None
) -> AsyncGenerator[list[PortResult], None]:
    """The scan in this process: the results of each wake-up of the loop, as one list."""
    sweep = _ConnectLoop(source, timeout, slots, pacer)
    try:
        while True:
            batch = await sweep.next_batch()
            if not batch:
                return
            yield batch
    finally:
        sweep.close()


def worker_count(size: int, minimum: int) -> int:
    """How many processes a stage of ``size`` items pays to use: 2 from ``minimum`` items on on a
    machine with several cores and ``os.fork``, else 1."""
    if size < minimum or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return 1
    return 2


async def in_workers(
    stage: Callable[[int, int], AsyncIterator[list[_T]]], workers: int
) -> AsyncGenerator[list[_T], None]:
    """Run ``stage(index, workers)`` for each index in a forked child process of its own; yield
    the lists they produce as they arrive. Raises ``RuntimeError`` if a child dies early.

    The items must pickle. Whatever the stage needs is inherited through the fork; the parent
    stops (kills) the children still running when the caller stops reading.
    """
    children = [_fork(stage, index, workers) for index in range(workers)]
    queue: asyncio.Queue[list[_T] | RuntimeError | None] = asyncio.Queue()
    relays = [asyncio.create_task(_relay(fd, queue)) for _, fd in children]
    finished = False
    try:
        running = workers
        while running:
            item = await queue.get()
            if isinstance(item, RuntimeError):
                raise item
            if item is None:
                running -= 1
            else:
                yield item
        finished = True
    finally:
        for relay in relays:
            relay.cancel()
        await asyncio.gather(*relays, return_exceptions=True)
        for pid, _ in children:
            if not finished:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)  # each child has closed its pipe: it is exiting or gone


def _fork(
    stage: Callable[[int, int], AsyncIterator[list[_T]]], index: int, workers: int
) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe, never returns
        os.close(read_fd)
        _child(stage(index, workers), write_fd)
    os.close(write_fd)
    return pid, read_fd


def _child(batches: AsyncIterator[list[_T]], fd: int) -> NoReturn:  # pragma: no cover - forked
    """Run the stage on a loop of the child's own, one pickled frame per list, then an empty
    frame meaning "all done"; exit without running the parent's clean-ups."""
    status = 1
    try:
        with contextlib.suppress(ValueError):  # the parent's loop owns the wake-up descriptor
            signal.set_wakeup_fd(-1)
        asyncio._set_running_loop(None)  # the fork copied the parent's running loop
        asyncio.run(_send(batches, fd))
        status = 0
    except BaseException:
        _log.exception("scan worker %s failed", os.getpid())
    finally:
        os._exit(status)


async def _send(batches: AsyncIterator[list[_T]], fd: int) -> None:  # pragma: no cover - forked
    async for batch in batches:
        _write_all(fd, _with_length(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)))
    _write_all(fd, _with_length(b""))


def _with_length(data: bytes) -> bytes:
    return struct.pack("!I", len(data)) + data


def _write_all(fd: int, data: bytes) -> None:  # pragma: no cover - forked
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


async def _relay(fd: int, queue: asyncio.Queue[list[_T] | RuntimeError | None]) -> None:
    """Put each list a child sends on ``queue``, then ``None``; a ``RuntimeError`` if it died."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    pipe = os.fdopen(fd, "rb", buffering=0)
    transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
    try:
        while True:
            try:
                (size,) = struct.unpack("!I", await reader.readexactly(4))
                data = await reader.readexactly(size)
            except asyncio.IncompleteReadError:
                queue.put_nowait(RuntimeError("a scan worker process ended before its work"))
                return
            if not size:
                queue.put_nowait(None)
                return
            queue.put_nowait(pickle.loads(data))  # noqa: S301 - our own child, through our pipe
    finally:
        transport.close()


class _ConnectLoop:
    """The state of one scan: the attempts under way, those waiting for the pacer, results.

    Deadlines are kept in a queue in start order (one timeout for all, so the oldest expires
    first) and swept by one timer, instead of one timer per attempt.
    """

    def __init__(
        self,
        source: Iterator[tuple[str, int]],
        timeout: float,
        slots: int,
        pacer: NetworkPacer | None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._source: Iterator[tuple[str, int]] | None = source
        self._timeout = timeout
        self._free = slots
        self._pacer = pacer
        self._epoll = select.epoll()
        self._pending: dict[int, _Attempt] = {}
        self._ages: deque[_Attempt] = deque()  # start order; finished ones are skipped lazily
        self._paced: list[tuple[float, int, str, int]] = []  # (due, seq, ip, port) heap
        self._retry: deque[tuple[str, int]] = deque()  # pairs that met a descriptor shortage
        self._seq = itertools.count()
        self._done: list[PortResult] = []
        self._waiter: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._loop.add_reader(self._epoll.fileno(), self._step)

    async def next_batch(self) -> list[PortResult]:
        """Return the results ready now, waiting for at least one; empty once all are done."""
        self._step()
        while not self._done and not self._finished():
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        batch, self._done = self._done, []
        self._free += len(batch)  # a slot is free once its result is handed over, not before
        return batch

    def close(self) -> None:
        """Stop watching, and close every socket still open (a cancelled or abandoned scan)."""
        if self._timer is not None:
            self._timer.cancel()
        if not self._epoll.closed:
            self._loop.remove_reader(self._epoll.fileno())
            self._epoll.close()
        for sock, *_ in self._pending.values():
            sock.close()
        self._pending.clear()

    def _finished(self) -> bool:
        return self._source is None and not self._pending and not self._paced and not self._retry

    def _step(self) -> None:
        """Collect answers, expire the overdue, start what the free slots allow; wake the reader."""
        now = time.monotonic()
        stamp = utc_now()  # one timestamp per batch: the answers of one wake-up are simultaneous
        self._collect(stamp)
        self._expire(now, stamp)
        self._start_due(now, stamp)
        self._fill(now, stamp)
        self._arm_timer(now)
        waiter = self._waiter
        if waiter is not None and not waiter.done() and (self._done or self._finished()):
            waiter.set_result(None)

    def _collect(self, stamp: datetime) -> None:
        pending, done = self._pending, self._done
        for fd, _ in self._epoll.poll(0):
            sock, ip, port, _ = pending.pop(fd)
            error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if error == 0:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
            sock.close()  # closing also drops it from the epoll set
            done.append(PortResult(ip, port, _STATES.get(error, _FILTERED), observed_at=stamp))

    def _expire(self, now: float, stamp: datetime) -> None:
        ages, pending = self._ages, self._pending
        while ages:
            attempt = ages[0]
            sock, ip, port, deadline = attempt
            if pending.get(sock.fileno()) is not attempt:
                ages.popleft()  # answered already (or its descriptor now serves another)
                continue
            if deadline > now:
                return
            ages.popleft()
            del pending[sock.fileno()]
            sock.close()
            self._done.append(PortResult(ip, port, _FILTERED, observed_at=stamp))

    def _start_due(self, now: float, stamp: datetime) -> None:
        paced = self._paced
        while paced and paced[0][0] <= now:
            _, _, ip, port = heapq.heappop(paced)
            self._attempt(ip, port, now, stamp)

    def _fill(self, now: float, stamp: datetime) -> None:
        """Take new pairs while slots are free; a paced pair keeps its slot until it is due."""
        while self._free > 0:
            if self._retry:
                ip, port = self._retry.popleft()
            elif self._source is None:
                return
            else:
                pair = next(self._source, None)
                if pair is None:
                    self._source = None
                    return
                ip, port = pair
            self._free -= 1
            delay = self._pacer.bucket_for(ip).reserve() if self._pacer is not None else 0.0
            if delay > 0:
                heapq.heappush(self._paced, (now + delay, next(self._seq), ip, port))
            elif not self._attempt(ip, port, now, stamp):
                return  # out of descriptors: wait for attempts under way to end

    def _attempt(self, ip: str, port: int, now: float, stamp: datetime) -> bool:
        """Start one connect; return ``False`` when the process is out of descriptors."""
        try:
            # the C socket type: the ``socket.socket`` wrapper costs microseconds per attempt
            sock = _socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, _STREAM)
        except OSError as exc:
            if exc.errno in _OUT_OF_DESCRIPTORS and self._pending:
                self._retry.appendleft((ip, port))  # retried once an attempt under way ends
                self._free += 1
                return False
            self._finish(ip, port, _FILTERED, stamp)
            return True
        try:
            error = sock.connect_ex((ip, port))
        except OSError:  # a malformed address; the scope check should never let one through
            error = errno.EINVAL
        if error != errno.EINPROGRESS:
            if error == 0:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
            sock.close()
            self._finish(ip, port, _STATES.get(error, _FILTERED), stamp)
            return True
        attempt = (sock, ip, port, now + self._timeout)
        self._pending[sock.fileno()] = attempt
        self._ages.append(attempt)
        self._epoll.register(sock.fileno(), _WRITABLE)
        return True

    def _finish(self, ip: str, port: int, state: PortState, stamp: datetime) -> None:
        self._done.append(PortResult(ip, port, state, observed_at=stamp))

    def _arm_timer(self, now: float) -> None:
        """Keep one timer at the next deadline or pacer slot (none when nothing waits)."""
        while self._ages and self._pending.get(self._ages[0][0].fileno()) is not self._ages[0]:
            self._ages.popleft()
        times = [self._ages[0][3]] if self._ages else []
        if self._paced:
            times.append(self._paced[0][0])
        if not times:
            return
        due = min(times)
        if self._timer is not None and not self._timer.cancelled() and self._timer_at <= due:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = due
        self._timer = self._loop.call_at(self._loop.time() + max(due - now, 0.0), self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._step()
