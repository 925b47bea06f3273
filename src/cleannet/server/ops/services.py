"""Service functions for operational state."""

from __future__ import annotations

import os
import socket

from django.db.models import F
from django.utils import timezone

from cleannet.server.ops.models import WorkerHeartbeat


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def record_heartbeat(worker: str | None = None) -> WorkerHeartbeat:
    """Mark ``worker`` (this process by default) alive now; return its row."""
    name = worker or worker_name()
    beat, created = WorkerHeartbeat.objects.get_or_create(worker=name)
    if not created:
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(
            seen_at=timezone.now(), beats=F("beats") + 1
        )
        beat.refresh_from_db()
    return beat
