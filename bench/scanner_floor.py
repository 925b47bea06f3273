"""The scanner benchmark's floor: read each file, SHA-256 it and scan it with yara-x, in one
process and one thread — what any Python scanner with these signatures must at least pay.

Usage: ``python bench/scanner_floor.py CORPUS SIGNATURES RESULT.json`` where SIGNATURES holds
``bench.yar`` and ``hash-iocs.txt`` (``sha256;description`` lines). The result file holds the
files and bytes read, the seconds to compile the rules, the seconds of the scan itself (wall
and CPU, imports and compilation excluded), the peak RSS and the detections as
``[path relative to CORPUS, name]``. Archives are not opened (nor does the yara command line).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import yara_x


def load_hashes(path: Path) -> dict[str, str]:
    """Return sha256 → description from a ``hash-iocs.txt`` file."""
    hashes = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            digest, _, description = line.partition(";")
            hashes[digest.strip().lower()] = description
    return hashes


def walk(corpus: Path) -> list[Path]:
    """Return every regular file under ``corpus``, in a stable order."""
    files = []
    for folder, dirs, names in os.walk(corpus):
        dirs.sort()
        files += [Path(folder) / name for name in sorted(names)]
    return files


def scan(corpus: Path, signatures: Path) -> dict[str, Any]:
    """Scan ``corpus`` with the rules and hashes in ``signatures``; return the figures."""
    started = time.perf_counter()
    rules = yara_x.compile((signatures / "bench.yar").read_text())
    scanner = yara_x.Scanner(rules)
    hashes = load_hashes(signatures / "hash-iocs.txt")
    compiled = time.perf_counter()
    cpu = time.process_time()
    files = total = 0
    detections: list[list[str]] = []
    for path in walk(corpus):
        data = path.read_bytes()
        files, total = files + 1, total + len(data)
        relative = str(path.relative_to(corpus))
        if (name := hashes.get(hashlib.sha256(data).hexdigest())) is not None:
            detections.append([relative, name])
        detections += [[relative, rule.identifier] for rule in scanner.scan(data).matching_rules]
    return {
        "files": files,
        "bytes": total,
        "compile_seconds": round(compiled - started, 3),
        "seconds": round(time.perf_counter() - compiled, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "detections": detections,
    }


def main(argv: list[str]) -> int:
    corpus, signatures, result = (Path(a) for a in argv)
    result.write_text(json.dumps(scan(corpus, signatures)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
