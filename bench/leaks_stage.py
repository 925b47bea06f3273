"""One measured stage of the leaks benchmark, run in a fresh process by ``bench/leaks.py``.

Usage: ``python bench/leaks_stage.py STAGE RESULT.json ARGS…`` with STAGE one of

- ``build RECORDS.bin STORE``: the records through ``StoreBuilder.add`` (what ``build_store``
  does with numpy batches), sorted and merged out of core into STORE;
- ``import TEXT STORE``: ``import_file(TEXT, password_sha1, STORE, hashed=True)``, the path
  a ``HASH:COUNT`` download takes;
- ``lookups STORE COUNT SEED``: ``store.range`` over random 5-hex prefixes, then the same with
  the body rendered as the range API sends it (``render_range``), without and with padding;
- ``export STORE DIRECTORY [N]``: ``export_ranges`` (one static file per prefix; the
  first N prefixes only when N is given).

The result file holds wall and CPU seconds (imports excluded), the process's peak RSS
(``ru_maxrss``) and the stage's own counts.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from cleannet.engines import leakindex

sys.path.insert(0, str(Path(__file__).resolve().parent))
import leaks_data

KIND = leakindex.Kind.PASSWORD_SHA1
SUFFIX_HEX = 35


def build(records: str, store: str) -> dict[str, Any]:
    path = Path(store)
    rows = 0
    with leakindex.StoreBuilder(path, KIND, work_dir=path.parent) as builder:
        for chunk in leaks_data.read_records(Path(records)):
            builder.add(np.ascontiguousarray(chunk["hash"]), chunk["count"])
            rows += len(chunk)
        written = builder.finish()
    return {"rows": rows, "records": written, "bytes": path.stat().st_size}


def import_text(text: str, store: str) -> dict[str, Any]:
    summary = leakindex.import_file(Path(text), KIND, Path(store), hashed=True)
    return {
        "rows": summary.read,
        "used": summary.used,
        "bad": summary.bad,
        "skipped": summary.skipped,
        "records": summary.records[KIND],
        "bytes": Path(store).stat().st_size,
    }


def _rate(count: int, run: Callable[[], None]) -> dict[str, float]:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    return {"lookups": count, "seconds": round(seconds, 4), "per_s": round(count / seconds)}


def lookups(store_path: str, count: str, seed: str) -> dict[str, Any]:
    store = leakindex.RangeStore.open(Path(store_path))
    rng = np.random.default_rng(int(seed))
    prefixes = [f"{p:05X}" for p in rng.integers(0, 1 << 20, size=int(count))]
    sizes = [len(store.range(p)) for p in prefixes[:10_000]]  # also warms the page cache

    def slices() -> None:
        for prefix in prefixes:
            store.range_records(prefix)

    def ranges() -> None:
        for prefix in prefixes:
            store.range(prefix)

    def rendered(chosen: list[str], padding: bool) -> Callable[[], None]:
        def run() -> None:
            for prefix in chosen:
                leakindex.render_range(store.range(prefix), SUFFIX_HEX, padding)

        return run

    # A padded answer is 800-1,000 lines, each drawn at random: a twentieth of the look-ups
    # is enough to time it.
    padded = prefixes[: max(1, len(prefixes) // 20)]
    return {
        "store_records": len(store),
        "mean_range_lines": round(sum(sizes) / len(sizes), 2),
        "range_records": _rate(len(prefixes), slices),
        "range": _rate(len(prefixes), ranges),
        "range_rendered": _rate(len(prefixes), rendered(prefixes, False)),
        "range_rendered_padded": _rate(len(padded), rendered(padded, True)),
    }


def export(store_path: str, directory: str, first_prefixes: str = "") -> dict[str, Any]:
    """Export every prefix (or only the ``first_prefixes`` first ones, for a quick test)."""
    store = leakindex.RangeStore.open(Path(store_path))
    chosen = range(int(first_prefixes)) if first_prefixes else range(16**5)
    folder = leakindex.export_ranges([store], Path(directory), KIND, prefixes=chosen)
    sizes = [entry.stat().st_size for entry in os.scandir(folder)]
    return {"files": len(sizes), "bytes": sum(sizes)}


STAGES: dict[str, Callable[..., dict[str, Any]]] = {
    "build": build,
    "import": import_text,
    "lookups": lookups,
    "export": export,
}


def main(argv: list[str]) -> int:
    stage, result, *args = argv
    wall, cpu = time.perf_counter(), time.process_time()
    figures = STAGES[stage](*args)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures |= {
        "stage": stage,
        "seconds": round(time.perf_counter() - wall, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "peak_rss_kib": usage.ru_maxrss,
        "preempted": usage.ru_nivcsw,
    }
    Path(result).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
