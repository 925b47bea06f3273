"""The scan worker: ``python -I -m cleannet.server.filescan.sandbox_worker``.

It runs in a child process that the server has already limited (processor time, address
space, no core dumps; see ``sandbox``). It reads one job from stdin, JSON
``{"sample": path, "signatures": dir, "version": str, "cache": dir, "max_seconds": n}``
(``cache`` keeps the compiled YARA rules between runs), scans the sample with the
scanner's engine and writes one JSON result to stdout::

    {"detections": [{"path", "detection", "kind", "score", "description"}],
     "unscanned": [{"path", "reason", "detail"}], "bytes": n, "signature_version": str|null}

Paths are relative to the sample: ``""`` is the file itself, ``"!inner/name"`` a member.
Exit status 0 with a result; ``MEMORY_EXIT`` when memory ran out. Nothing here imports
Django or the server: the scanner is all it needs, and the job is read before the scanner
is even imported, so the limits are in place before any byte of the sample is touched.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

MEMORY_EXIT = 3


def _relative(path: str, sample: str) -> str:
    return path[len(sample) :] if path.startswith(sample) else path


def scan(job: dict[str, Any]) -> dict[str, Any]:
    """Scan ``job["sample"]`` with the signatures in ``job["signatures"]``."""
    from cleannet.scanner.archive_limits import ArchiveLimits
    from cleannet.scanner.engine import ScanLimits, scan_file
    from cleannet.scanner.signatures import SignatureSet

    sample = str(job["sample"])
    signatures = SignatureSet.load(
        [Path(job["signatures"])], cache_dir=Path(job["cache"]), version=job.get("version")
    )
    limits = ScanLimits(archive=ArchiveLimits(max_seconds=float(job["max_seconds"])))
    detections, unscanned, scanned_bytes = scan_file(Path(sample), signatures, limits)
    return {
        "detections": [
            {
                "path": _relative(d.path, sample),
                "detection": d.detection,
                "kind": str(d.kind),
                "score": d.score,
                "description": d.description,
            }
            for d in detections
        ],
        "unscanned": [
            {"path": _relative(u.path, sample), "reason": str(u.reason), "detail": u.detail}
            for u in unscanned
        ],
        "bytes": scanned_bytes,
        "signature_version": signatures.version,
    }


def _out_of_memory() -> int:
    os.write(2, b"filescan worker: memory limit reached\n")
    return MEMORY_EXIT


def main() -> int:
    try:
        job = json.loads(sys.stdin.buffer.read())
        result = json.dumps(scan(job))
    except MemoryError:
        return _out_of_memory()
    except ImportError as error:
        # Under a low address-space limit the scanner's native library cannot be mapped.
        if "failed to map segment" in str(error):
            return _out_of_memory()
        raise
    sys.stdout.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
