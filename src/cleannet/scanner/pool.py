"""Scanning many files in several worker processes (yara-x holds the GIL while it scans).

Files are sent in batches: small files together (up to ``BATCH_FILES`` files or
``BATCH_BYTES`` bytes), a large file alone, so that one big file never holds up a batch of
small ones. Each worker receives the signatures once, when it starts. Results come back as
each batch ends, in completion order. With one worker everything runs in this process.

Nothing in a batch can stop the scan: an unexpected error while scanning a file becomes an
``Unscanned`` (read-error) for that file, and if a worker process dies (killed, out of memory)
the files of the batches it was holding are reported unscanned and a new pool goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from cleannet.scanner.engine import FileOutcome, ScanLimits, scan_file_outcome
from cleannet.scanner.model import Unscanned, UnscannedReason
from cleannet.scanner.signatures import SignatureSet
from cleannet.scanner.walker import FileTask

__all__ = ["BATCH_BYTES", "BATCH_FILES", "batches", "default_workers", "scan_tasks"]

BATCH_FILES = 64
BATCH_BYTES = 8 << 20
_IN_FLIGHT_PER_WORKER = 2

_worker_sigs: SignatureSet | None = None
_worker_limits: ScanLimits | None = None


def default_workers() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def batches(tasks: Iterable[FileTask]) -> Iterator[list[FileTask]]:
    """Group tasks: a file of ``BATCH_BYTES`` or more alone, small files together."""
    batch: list[FileTask] = []
    size = 0
    for task in tasks:
        if task.size >= BATCH_BYTES:
            yield [task]
            continue
        if batch and (len(batch) >= BATCH_FILES or size + task.size > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(task)
        size += task.size
    if batch:
        yield batch


def _scan_one(task: FileTask, sigs: SignatureSet, limits: ScanLimits) -> FileOutcome:
    try:
        return scan_file_outcome(task.path, sigs, limits)
    except Exception as error:  # one file's surprise must not end the scan
        outcome = FileOutcome(task.path)
        detail = f"internal error while scanning: {type(error).__name__}: {error}"
        outcome.unscanned.append(Unscanned(task.path, UnscannedReason.READ_ERROR, detail))
        return outcome


def _init_worker(sigs: SignatureSet, limits: ScanLimits) -> None:
    global _worker_sigs, _worker_limits  # one signature set per process
    _worker_sigs, _worker_limits = sigs, limits


def _scan_batch(batch: list[FileTask]) -> list[FileOutcome]:
    assert _worker_sigs is not None and _worker_limits is not None
    return [_scan_one(task, _worker_sigs, _worker_limits) for task in batch]


def _lost(batch: list[FileTask]) -> list[FileOutcome]:
    detail = "the worker process scanning it stopped unexpectedly"
    return [
        FileOutcome(t.path, unscanned=[Unscanned(t.path, UnscannedReason.READ_ERROR, detail)])
        for t in batch
    ]


def _executor(workers: int, sigs: SignatureSet, limits: ScanLimits) -> ProcessPoolExecutor:
    # fork shares the loaded signatures with the workers at no cost; elsewhere they are
    # pickled once per worker (SignatureSet carries its compiled rules as bytes).
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(sigs, limits),
    )


def _scan_in_pool(
    groups: Iterator[list[FileTask]], workers: int, sigs: SignatureSet, limits: ScanLimits
) -> Iterator[tuple[FileTask, FileOutcome]]:
    executor = _executor(workers, sigs, limits)
    running: dict[Future[list[FileOutcome]], list[FileTask]] = {}
    try:
        while True:
            while len(running) < workers * _IN_FLIGHT_PER_WORKER:
                batch = next(groups, None)
                if batch is None:
                    break
                running[executor.submit(_scan_batch, batch)] = batch
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                batch = running.pop(future)
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    outcomes = _lost(batch)
                yield from zip(batch, outcomes, strict=True)
            if executor._broken:  # a worker died: start anew
                for batch in list(running.values()):
                    yield from zip(batch, _lost(batch), strict=True)
                running.clear()
                executor.shutdown(wait=False, cancel_futures=True)
                executor = _executor(workers, sigs, limits)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def scan_tasks(
    tasks: Sequence[FileTask] | Iterable[FileTask],
    sigs: SignatureSet,
    limits: ScanLimits,
    *,
    workers: int = 1,
) -> Iterator[tuple[FileTask, FileOutcome]]:
    """Scan every task and yield (task, outcome) as each finishes (order not kept)."""
    if workers <= 1:
        for task in tasks:
            yield task, _scan_one(task, sigs, limits)
        return
    yield from _scan_in_pool(batches(tasks), workers, sigs, limits)
