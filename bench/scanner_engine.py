"""CleanNet's file engine alone, in one process: ``SignatureSet.load`` then ``scan_file`` on
every file — what ``cleannet-scan --workers 1`` costs without its walker, pool and report.

Usage: ``python bench/scanner_engine.py CORPUS SIGNATURES RESULT.json``. The result file holds
the files, the bytes scanned (archive members included), the seconds to load the signatures,
the seconds of the scan (wall and CPU), the peak RSS, the detections as
``[path relative to CORPUS, name, kind, full path]`` and the unscanned items.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from cleannet.scanner.engine import scan_file
from cleannet.scanner.signatures import SignatureSet

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scanner_floor import walk


def scan(corpus: Path, signatures: Path) -> dict[str, Any]:
    """Scan ``corpus`` with the signature directory; return the figures."""
    started = time.perf_counter()
    sigs = SignatureSet.load([signatures])
    loaded = time.perf_counter()
    cpu = time.process_time()
    files = total = 0
    detections: list[list[str]] = []
    unscanned: list[list[str]] = []
    for path in walk(corpus):
        found, missed, size = scan_file(path, sigs)
        files, total = files + 1, total + size
        for d in found:
            relative = str(Path(d.path.split("!", 1)[0]).relative_to(corpus))
            detections.append([relative, d.detection, str(d.kind), d.path])
        unscanned += [[u.path, str(u.reason)] for u in missed]
    return {
        "files": files,
        "bytes": total,
        "compile_seconds": round(loaded - started, 3),
        "seconds": round(time.perf_counter() - loaded, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "detections": detections,
        "unscanned": unscanned,
    }


def main(argv: list[str]) -> int:
    corpus, signatures, result = (Path(a) for a in argv)
    result.write_text(json.dumps(scan(corpus, signatures)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
