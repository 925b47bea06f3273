"""Delivering the outbox from several processes at once.

Processes are spawned, not forked: no database connection or SMTP session crosses into a
child, and each child sets Django up itself from the same environment (settings and database)
as the parent, then runs ``worker.deliver_pending``. The claims keep them apart. This module
imports nothing from Django at the top, so a spawned child can import it before ``setup``.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleannet.server.notices.worker import DrainSummary

PROGRESS_EVERY = 0.5
"""Seconds between two looks at the outbox for the parent's progress report."""


def drain_in_child(
    worker_token: str, batch_size: int | None, until_empty: bool, max_seconds: float | None
) -> DrainSummary:
    """The child's work: set Django up, then deliver until done; return the summary."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannet.server.settings")
    import django

    django.setup()
    from cleannet.server.notices.worker import deliver_pending

    return deliver_pending(
        worker_token, batch_size=batch_size, until_empty=until_empty, max_seconds=max_seconds
    )


def run_in_processes(
    workers: int,
    batch_size: int | None,
    until_empty: bool,
    max_seconds: float | None,
    progress: Callable[[int, int], None] | None,
) -> DrainSummary:
    """Run ``drain_in_child`` in ``workers`` spawned processes; sum their summaries.

    While they run, ``progress(done, total)`` is fed from the count of outstanding messages.
    """
    from cleannet.server.notices.outbox_status import outstanding
    from cleannet.server.notices.worker import DrainSummary, default_worker_token

    started = time.monotonic()
    total = outstanding()
    base = default_worker_token()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(drain_in_child, f"{base}/w{n}", batch_size, until_empty, max_seconds)
            for n in range(workers)
        ]
        while True:
            done, running = wait(futures, timeout=PROGRESS_EVERY, return_when=FIRST_EXCEPTION)
            if progress:
                left = outstanding()
                total = max(total, left)
                progress(total - left, total)
            if not running or any(f.exception() for f in done):
                break
        summaries = [future.result() for future in futures]  # re-raises a child's error
    summary = sum(summaries, DrainSummary())
    summary.seconds = time.monotonic() - started
    return summary
