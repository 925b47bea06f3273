"""The CleanNet side of ``bench/ingest.py``: one stage of the feed pipeline, in its own process.

``python bench/ingest_cleannet.py STAGE CSV IPASN RESULT_JSON`` runs one measurement and
writes its figures to ``RESULT_JSON``. One process per measurement, so that ``ru_maxrss``
is the peak of that stage alone, pinned to core 0 so that the rate is a one-core rate.

Stages (each includes the ones before it), on the path ``cleannet ingest`` takes for a
Shadowserver report — the columnar reader (``parse_columnar``, blocks of rows converted
column by column):

* ``parse``: the Shadowserver reader alone (read, CSV, normalise every field);
* ``attribute``: the reader, then every accepted row attributed (``source.ip`` on the day of
  ``time.source``) through the prefix index (``attribute_rows``: an answer per row);
* ``aggregate``: ``run_columnar_pipeline`` (dedup, aggregation per UTC day, attribution of
  each aggregate) over the reader's batches, in batches of 50,000 rows;
* ``ingest-sqlite`` / ``ingest-postgresql``: the whole of ``cleannet ingest`` — the file
  through CleanNet's ingest service into a scratch database, every batch stored with its
  checkpoint (``bench/ingest_service.py``).

``parse-rows``, ``attribute-rows`` and ``aggregate-rows`` are the same stages on the
row-by-row plan (``parse``, ``run_pipeline``), which every other CSV format uses and which
the columnar reader is held equal to.

The prefix index (``cleannet.engines.feeds.attribution``) is built from the generated pyasn
IPASN file. Everything that depends on the exact shape of the lead's API is in
``pipeline_api()`` and ``load_attributor()``: one place to adapt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import itertools
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

STAGES = ("parse-rows", "attribute-rows", "aggregate-rows",
          "parse", "attribute", "aggregate", "ingest-sqlite", "ingest-postgresql")  # fmt: skip
AGGREGATE_WINDOW = dt.timedelta(days=1)
"""A Shadowserver report covers one day: fold a device's beacons to one line per day."""


class PipelineNotReady(NotImplementedError):
    """The lead's pipeline or attribution API has not landed (or differs): cannot measure yet."""


def pipeline_api() -> Callable[..., Iterator[Any]]:
    """Return CleanNet's ``run_pipeline``, or raise ``PipelineNotReady``."""
    try:
        from cleannet.engines.feeds.pipeline import run_pipeline
    except ImportError as exc:
        raise PipelineNotReady(f"cleannet.engines.feeds.pipeline.run_pipeline: {exc}") from exc
    return run_pipeline


def load_attributor(ipasn: Path) -> Callable[[str, dt.date], Any]:
    """Return the pipeline's ``Attributor`` over a ``PrefixIndex`` read from ``ipasn``.

    The table is read with CleanNet's own IPASN loader, so the bench also checks that the
    generated file is one CleanNet reads (a rejected line stops the run). An IPASN table
    names no owner, so an attribution carries the AS and the prefix. Raises
    ``PipelineNotReady`` while ``cleannet.engines.feeds.attribution`` is missing.
    """
    try:
        from cleannet.engines.feeds.attribution import PrefixIndex, load_ipasn
        from cleannet.engines.feeds.pipeline import Attribution
    except ImportError as exc:
        raise PipelineNotReady(f"cleannet.engines.feeds.attribution: {exc}") from exc
    with ipasn.open(encoding="ascii") as handle:
        loaded = load_ipasn(handle)
    if loaded.rejects or not loaded.entries:
        raise ValueError(f"{ipasn}: CleanNet refused lines {loaded.rejects[:3]}")
    lookup = PrefixIndex(loaded.entries).lookup

    def attribute(ip: str, day: dt.date) -> Any:
        """The pipeline's ``Attributor``: the holding of ``ip`` on ``day`` as an ``Attribution``."""
        hit = lookup(ip, None, day)
        return None if hit is None else Attribution(hit.owner, hit.asn, hit.prefix)

    return attribute


def load_index(ipasn: Path) -> Any:
    """Return the ``PrefixIndex`` of the generated IPASN table."""
    from cleannet.engines.feeds.attribution import PrefixIndex, load_ipasn

    with ipasn.open(encoding="ascii") as handle:
        return PrefixIndex(load_ipasn(handle).entries)


def column_batches_of(csv_path: Path) -> Iterator[Any]:
    """Yield the columnar reader's batches for every source of ``csv_path``."""
    from cleannet.engines.feeds.formats.shadowserver import parse_columnar
    from cleannet.engines.feeds.records import ParseOptions
    from cleannet.engines.feeds.sources import open_sources

    options = ParseOptions(source_name=csv_path.name, feed_name="shadowserver-event4-sinkhole")
    return itertools.chain.from_iterable(parse_columnar(s, options) for s in open_sources(csv_path))


def run_parse_columns(csv_path: Path, ipasn: Path) -> dict[str, Any]:
    """Stage ``parse``: every block through the columnar reader, nothing after it."""
    counts = {"Accepted": 0, "Rejected": 0}
    for batch in column_batches_of(csv_path):
        accepted = int(batch.accepted().sum())
        counts["Accepted"] += accepted
        counts["Rejected"] += batch.count - accepted
    return {"counts": counts}


def run_attribute_columns(csv_path: Path, ipasn: Path) -> dict[str, Any]:
    """Stage ``attribute``: the columnar reader, then an answer per accepted row."""
    from cleannet.engines.feeds.columnar_pipeline import attribute_rows

    lookup_many = load_index(ipasn).lookup_many
    counts = {"Accepted": 0, "Rejected": 0, "attributed": 0}
    for batch in column_batches_of(csv_path):
        accepted = int(batch.accepted().sum())
        counts["Accepted"] += accepted
        counts["Rejected"] += batch.count - accepted
        hits = attribute_rows(batch, lookup_many)
        counts["attributed"] += sum(1 for hit in hits.tolist() if hit is not None)
    return {"counts": counts}


def rows_of(csv_path: Path) -> Iterator[Any]:
    """Yield the parser's rows for every source of ``csv_path`` (streamed, never all at once)."""
    from cleannet.engines.feeds.formats.shadowserver import parse
    from cleannet.engines.feeds.records import ParseOptions
    from cleannet.engines.feeds.sources import open_sources

    options = ParseOptions(source_name=csv_path.name, feed_name="shadowserver-event4-sinkhole")
    return itertools.chain.from_iterable(parse(s, options) for s in open_sources(csv_path))


def count(rows: Iterable[Any]) -> dict[str, int]:
    """Consume ``rows`` and count them by kind (``Accepted``, ``Rejected``)."""
    counts: dict[str, int] = {}
    for row in rows:
        kind = type(row).__name__
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def run_parse(csv_path: Path, ipasn: Path) -> dict[str, Any]:
    """Stage ``parse``: every source through the parser, nothing after it."""
    return {"counts": count(rows_of(csv_path))}


def run_attribute(csv_path: Path, ipasn: Path) -> dict[str, Any]:
    """Stage ``attribute``: the parser, then one index look-up per accepted row."""
    attribute = load_attributor(ipasn)
    counts = {"Accepted": 0, "Rejected": 0, "attributed": 0}
    for row in rows_of(csv_path):
        fields = getattr(row, "fields", None)
        if fields is None:
            counts["Rejected"] += 1
            continue
        counts["Accepted"] += 1
        if attribute(fields["source.ip"], fields["time.source"].date()) is not None:
            counts["attributed"] += 1
    return {"counts": counts}


def batches(csv_path: Path, ipasn: Path, columnar: bool = True) -> Iterator[Any]:
    """Return the pipeline's batches over the file, attributed, per UTC day."""
    attribute = load_attributor(ipasn)
    if columnar:
        from cleannet.engines.feeds.columnar_pipeline import run_columnar_pipeline

        return run_columnar_pipeline(
            column_batches_of(csv_path), attribute=attribute, window=AGGREGATE_WINDOW
        )
    run_pipeline = pipeline_api()
    return run_pipeline(rows_of(csv_path), attribute=attribute, window=AGGREGATE_WINDOW)


def run_aggregate(csv_path: Path, ipasn: Path, columnar: bool = True) -> dict[str, Any]:
    """Stage ``aggregate``: the pipeline consumed to the end, its counts added up."""
    counts = dict.fromkeys(("read", "accepted", "rejected", "duplicates", "aggregates"), 0)
    counts["batches"] = counts["attributed"] = 0
    for batch in batches(csv_path, ipasn, columnar):
        counts["read"] += batch.read
        counts["accepted"] += batch.accepted
        counts["rejected"] += len(batch.rejected)
        counts["duplicates"] += batch.duplicates
        counts["aggregates"] += len(batch.aggregates)
        counts["attributed"] += sum(1 for a in batch.aggregates if a.attribution is not None)
        counts["batches"] += 1
    return {"counts": counts}


def run_ingest(csv_path: Path, ipasn: Path, backend: str) -> dict[str, Any]:
    """Stages ``ingest-*``: the file through the real ingest service (set-up untimed)."""
    import ingest_service

    with ingest_service.scratch_database(backend):
        ingest_service.prepare()
        attribute = load_attributor(ipasn)
        wall, cpu = time.perf_counter(), time.process_time()
        counts = ingest_service.ingest(csv_path, attribute)
        return {"counts": counts, "timed": (time.perf_counter() - wall, time.process_time() - cpu)}


def preload(stage: str) -> None:
    """Import what ``stage`` uses before the clock starts (IntelMQ's bot set-up is untimed too)."""
    modules = ["cleannet.engines.feeds.formats.shadowserver", "cleannet.engines.feeds.sources",
               "cleannet.engines.feeds.columnar", "pyarrow.csv", "pyarrow.compute"]  # fmt: skip
    if not stage.startswith("parse"):
        modules += ["cleannet.engines.feeds.attribution", "cleannet.engines.feeds.pipeline",
                    "cleannet.engines.feeds.columnar_pipeline"]  # fmt: skip
    if stage.startswith("ingest"):
        modules += ["ingest_service", "psycopg", "django"]
    for name in modules:
        with contextlib.suppress(ImportError):  # the stage reports it (PipelineNotReady)
            importlib.import_module(name)


def run(stage: str, csv_path: Path, ipasn: Path) -> dict[str, Any]:
    """Run ``stage`` once; return its counts and its wall, CPU and peak-memory figures."""
    os.sched_setaffinity(0, {0})  # "on one core": the rate of one process on one core
    actions: dict[str, Callable[[], dict[str, Any]]] = {
        "parse-rows": lambda: run_parse(csv_path, ipasn),
        "attribute-rows": lambda: run_attribute(csv_path, ipasn),
        "aggregate-rows": lambda: run_aggregate(csv_path, ipasn, columnar=False),
        "parse": lambda: run_parse_columns(csv_path, ipasn),
        "attribute": lambda: run_attribute_columns(csv_path, ipasn),
        "aggregate": lambda: run_aggregate(csv_path, ipasn),
        "ingest-sqlite": lambda: run_ingest(csv_path, ipasn, "sqlite"),
        "ingest-postgresql": lambda: run_ingest(csv_path, ipasn, "postgresql"),
    }
    preload(stage)
    wall, cpu = time.perf_counter(), time.process_time()
    figures = actions[stage]()
    figures["seconds"] = time.perf_counter() - wall
    figures["cpu_seconds"] = time.process_time() - cpu
    if "timed" in figures:  # the stage timed its own part (set-up excluded)
        figures["seconds"], figures["cpu_seconds"] = figures.pop("timed")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["peak_rss_kib"] = peak_rss_kib()
    # Involuntary context switches: how often another tenant took the core from this run.
    figures["preempted"] = usage.ru_nivcsw
    return figures


def peak_rss_kib() -> int:
    """Return this process's peak resident memory in KiB.

    ``VmHWM`` is this process image's own high-water mark; Linux carries ``ru_maxrss``
    across ``exec``, so a child started from a large parent would report the parent's.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> int:
    """Command line for the child process; exit 3 when the pipeline API is not there."""
    stage, csv_path, ipasn, result = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    try:
        figures = run(stage, csv_path, ipasn)
    except PipelineNotReady as exc:
        result.write_text(json.dumps({"error": str(exc)}))
        return 3
    result.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # for ingest_service
    sys.exit(main(sys.argv[1:]))
