"""Password ranges written out as static files, for a CDN or nginx to serve as ``/range/``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cleannet.server.leaks import index
from cleannet.server.leaks.catalogue import PASSWORD_KINDS, catalogue

ALL_PREFIXES = range(16**5)


def export_password_ranges(
    directory: Path,
    *,
    prefixes: range = ALL_PREFIXES,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write every 5-hex range of both password modes over every breach (counts added,
    unpadded) as ``directory/password_sha1/<PREFIX>.txt`` and ``directory/password_ntlm/…``
    (an empty file for an empty range); return the two folders. ``prefixes`` limits the
    export; ``progress(done, total)`` is called after each window of prefixes."""
    current = catalogue()
    return [
        index.export_ranges(
            current.range_stores(kind), directory, kind, prefixes=prefixes, progress=progress
        )
        for kind in PASSWORD_KINDS
    ]
