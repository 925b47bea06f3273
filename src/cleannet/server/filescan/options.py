"""The file scan's settings, read from Django settings (built by ``config``).

Keys: ``CLEANNET_FILESCAN_DIR`` (samples and work files, never served;
default ``<var>/filescan``), ``CLEANNET_FILESCAN_SIGNATURES`` (a signature directory;
unset: the hub's newest published bundle), ``CLEANNET_FILESCAN_KEEP_DAYS``,
``CLEANNET_FILESCAN_MAX_BYTES``, ``CLEANNET_FILESCAN_CPU_SECONDS``,
``CLEANNET_FILESCAN_MEMORY_MB``, ``CLEANNET_FILESCAN_WALL_SECONDS``,
``CLEANNET_FILESCAN_CONCURRENT_SCANS``, ``CLEANNET_FILESCAN_UPLOADS_PER_HOUR`` (per client
address on the page, per user in the API) and ``CLEANNET_FILESCAN_LOOKUPS_PER_HOUR``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

MIB = 1024 * 1024


@dataclass(frozen=True)
class FileScanOptions:
    """What the file scan may do; ``wall_seconds`` bounds one scan's real time."""

    directory: Path
    signatures: Path | None
    keep_days: int = 30
    max_bytes: int = 32 * MIB
    cpu_seconds: int = 30
    memory_mb: int = 1024
    wall_seconds: float = 60.0
    concurrent_scans: int = 2
    uploads_per_hour: int = 20
    lookups_per_hour: int = 300


def _setting(name: str, default: Any) -> Any:
    # Tests may set a key to None or "" to mean "the default".
    value = getattr(settings, f"CLEANNET_FILESCAN_{name}")
    return default if value is None or value == "" else value


def current_options() -> FileScanOptions:
    """Return the options from the settings now (tests change settings between calls)."""
    signatures = _setting("SIGNATURES", None)
    cpu_seconds = int(_setting("CPU_SECONDS", FileScanOptions.cpu_seconds))
    return FileScanOptions(
        directory=Path(_setting("DIR", Path(settings.VAR_DIR) / "filescan")),
        signatures=Path(signatures) if signatures else None,
        keep_days=int(_setting("KEEP_DAYS", FileScanOptions.keep_days)),
        max_bytes=int(_setting("MAX_BYTES", FileScanOptions.max_bytes)),
        cpu_seconds=cpu_seconds,
        memory_mb=int(_setting("MEMORY_MB", FileScanOptions.memory_mb)),
        # Real time allows for waiting on the disk and a busy machine, never unbounded.
        wall_seconds=float(_setting("WALL_SECONDS", 2 * cpu_seconds)),
        concurrent_scans=int(_setting("CONCURRENT_SCANS", FileScanOptions.concurrent_scans)),
        uploads_per_hour=int(_setting("UPLOADS_PER_HOUR", FileScanOptions.uploads_per_hour)),
        lookups_per_hour=int(_setting("LOOKUPS_PER_HOUR", FileScanOptions.lookups_per_hour)),
    )
