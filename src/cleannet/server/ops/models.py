"""Operational state: the background worker's heartbeat."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """One row per worker host and process; the periodic task refreshes ``seen_at``."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)
    beats = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
