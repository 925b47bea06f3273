"""What a load balancer and an operator need to know: is the database up, is the worker alive."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from cleannet.server.ops.models import WorkerHeartbeat

WORKER_STALE_AFTER = dt.timedelta(minutes=3)


def health_report() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    except DatabaseError:
        return {"database": "error", "worker": "unknown", "worker_seen_at": None}
    if beat is None:
        worker = "never seen"
    elif timezone.now() - beat.seen_at > WORKER_STALE_AFTER:
        worker = "stale"
    else:
        worker = "ok"
    return {
        "database": "ok",
        "worker": worker,
        "worker_seen_at": beat.seen_at.isoformat() if beat else None,
    }
