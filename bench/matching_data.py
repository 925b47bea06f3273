"""The matching benchmark's input files, generated once per set of sizes and kept.

``generate(root, sizes)`` writes under ``root/<sizes.stem()>/``:

- ``dns.parquet``: ``sizes.records`` LOG_RECORD rows (DNS lookups, zstd, time-ordered over one
  day; names drawn Zipf-distributed from the world's vocabulary, clients uniformly);
- ``dns.csv``: the same records as a CSV log (``time,client,query``; ISO 8601 UTC) and
  ``dns-mapping.json``, its column mapping for ``--log-format csv``;
- ``indicators.parquet`` (INDICATOR) and ``indicators.csv`` (``kind,value,family,valid_from,
  valid_until``, plus a few lines the reader must refuse: a public suffix, a /8, a bad address);
- ``leases.parquet`` (LEASE) and ``leases.csv`` (``subscriber,ip,start,end``);
- ``meta.json`` last, so a directory without it is an interrupted run and is made again.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import matching_strings as text
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from matching_world import DAY_S, SECOND_US, T0_US, Sizes, World, build_world

from cleannet.engines.matching import LOG_RECORD
from cleannet.engines.matching.schema import RECORD_PARQUET_OPTIONS, RECORD_ROW_GROUP

CHUNK = 2_000_000  # records generated and written at a time (bounds the generator's memory)
ZIPF_EXPONENT = 1.0
BEACON_SHARE = 0.01  # of the records: infected devices looking up their C2 name, again and again
REFUSED_INDICATOR_LINES = [
    "domain,com.vn,mirai,,",  # a public suffix would match every .com.vn name
    "domain,vercel.app,lumma,,",  # a private-section suffix: every customer's site
    "cidr,10.0.0.0/8,mozi,,",  # shorter than the minimum prefix
    "ip,999.1.2.3,emotet,,",
]
CSV_MAPPING = {"ts": "time", "client_ip": "client", "qname": "query"}


@dataclass(frozen=True)
class BenchData:
    """Where one generated input lives."""

    directory: Path
    sizes: Sizes

    records = property(lambda self: self.directory / "dns.parquet")
    records_csv = property(lambda self: self.directory / "dns.csv")
    mapping = property(lambda self: self.directory / "dns-mapping.json")
    indicators = property(lambda self: self.directory / "indicators.parquet")
    indicators_csv = property(lambda self: self.directory / "indicators.csv")
    leases = property(lambda self: self.directory / "leases.parquet")
    leases_csv = property(lambda self: self.directory / "leases.csv")
    meta = property(lambda self: self.directory / "meta.json")


def generate(root: Path, sizes: Sizes, *, log: object = None) -> BenchData:
    """Return the input for ``sizes``, writing it under ``root`` unless it is complete there."""
    data = BenchData(root / sizes.stem(), sizes)
    if data.meta.is_file():
        return data
    data.directory.mkdir(parents=True, exist_ok=True)
    world = build_world(sizes)
    pq.write_table(world.indicators, data.indicators, compression="zstd")
    pq.write_table(world.leases, data.leases, compression="zstd")
    write_indicator_csv(world.indicators, data.indicators_csv)
    write_lease_csv(world.leases, data.leases_csv)
    data.mapping.write_text(json.dumps(CSV_MAPPING, indent=2) + "\n")
    written = write_records(world, sizes, data.records, data.records_csv)
    meta = {"sizes": asdict(sizes), "distinct_names": len(world.names), **written}
    meta["indicators"] = world.indicators.num_rows
    meta["lease_intervals"] = world.leases.num_rows
    data.meta.write_text(json.dumps(meta, indent=2) + "\n")
    return data


def record_chunks(world: World, sizes: Sizes) -> Iterator[pa.Table]:
    """Yield the LOG_RECORD rows in time order, ``CHUNK`` at a time."""
    rng = np.random.default_rng([sizes.seed, 2])
    ranks = np.arange(1, len(world.names) + 1, dtype=np.float64)
    cumulative = np.cumsum(ranks**-ZIPF_EXPONENT)
    cumulative /= cumulative[-1]
    step = max(1, DAY_S * SECOND_US // max(sizes.records, 1))
    for first in range(0, sizes.records, CHUNK):
        rows = np.arange(first, min(first + CHUNK, sizes.records), dtype=np.int64)
        picks = np.minimum(np.searchsorted(cumulative, rng.random(len(rows))), len(world.names) - 1)
        clients = rng.integers(0, len(world.clients), size=len(rows))
        beacon = np.flatnonzero(rng.random(len(rows)) < BEACON_SHARE)
        device = rng.integers(0, len(world.infected), size=len(beacon))
        picks[beacon], clients[beacon] = world.beacons[device], world.infected[device]
        yield _record_table(
            world, rows, picks, clients, T0_US + rows * step + rng.integers(0, step, len(rows))
        )


def _record_table(
    world: World, rows: np.ndarray, picks: np.ndarray, clients: np.ndarray, ts: np.ndarray
) -> pa.Table:
    count = len(rows)
    columns = {
        "ts": pa.array(ts, LOG_RECORD.field("ts").type),
        "kind": pa.array(["dns"] * count, pa.string()) if count else pa.array([], pa.string()),
        "client_ip": world.clients.take(pa.array(clients)),
        "client_port": pa.nulls(count, pa.int32()),
        "qname": world.names.take(pa.array(picks)),
        "dst_ip": pa.nulls(count, pa.string()),
        "dst_port": pa.nulls(count, pa.int32()),
        "url": pa.nulls(count, pa.string()),
        "evidence": text.numbered("dns.csv:", rows + 2),  # the CSV line (after its header)
    }
    return pa.table(columns, schema=LOG_RECORD)


def write_records(world: World, sizes: Sizes, parquet: Path, csv: Path) -> dict[str, int]:
    """Write the records as Parquet and as a CSV log; return the byte sizes."""
    csv_schema = pa.schema([("time", pa.string()), ("client", pa.string()), ("query", pa.string())])
    with (
        pq.ParquetWriter(parquet, LOG_RECORD, **RECORD_PARQUET_OPTIONS) as parquet_out,
        pacsv.CSVWriter(
            csv, csv_schema, write_options=pacsv.WriteOptions(quoting_style="none")
        ) as csv_out,
    ):
        for chunk in record_chunks(world, sizes):
            parquet_out.write_table(chunk, row_group_size=RECORD_ROW_GROUP)
            csv_out.write_table(_as_csv_log(chunk, csv_schema))
    return {"records_bytes": parquet.stat().st_size, "csv_bytes": csv.stat().st_size}


def _as_csv_log(chunk: pa.Table, schema: pa.Schema) -> pa.Table:
    time = pc.strftime(chunk.column("ts"), format="%Y-%m-%dT%H:%M:%SZ")  # 01:02:03.450000Z
    columns = [time, chunk.column("client_ip"), chunk.column("qname")]
    return pa.table(columns, schema=schema)


def write_indicator_csv(indicators: pa.Table, path: Path) -> None:
    """Write ``kind,value,family,valid_from,valid_until`` (``value`` as written), then the
    lines the reader must refuse."""
    table = pa.table(
        {
            "kind": indicators.column("kind"),
            "value": indicators.column("indicator"),
            "family": indicators.column("family"),
            "valid_from": _iso(indicators.column("valid_from")),
            "valid_until": _iso(indicators.column("valid_until")),
        }
    )
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))
    with path.open("a", encoding="utf-8") as out:
        out.write("\n".join(REFUSED_INDICATOR_LINES) + "\n")


def write_lease_csv(leases: pa.Table, path: Path) -> None:
    """Write ``subscriber,ip,start,end`` (ISO 8601 UTC, empty end = still held)."""
    table = pa.table(
        {
            "subscriber": leases.column("subscriber"),
            "ip": leases.column("ip"),
            "start": _iso(leases.column("start")),
            "end": _iso(leases.column("end")),
        }
    )
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


def _iso(column: pa.ChunkedArray) -> pa.ChunkedArray:
    # Whole seconds, as lease and indicator exports write them.
    seconds = pc.cast(column, pa.timestamp("s", tz="UTC"))
    return pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%SZ")


def first_parquet_rows(path: Path, count: int) -> Path:
    """Return a Parquet file of the first ``count`` rows of ``path`` (made once, kept beside it)."""
    out = path.with_name(f"{path.stem}-first{count}.parquet")
    if out.is_file():
        return out
    partial = out.with_suffix(".partial")
    source = pq.ParquetFile(path)
    with pq.ParquetWriter(partial, source.schema_arrow, compression="zstd") as sink:
        left = count
        for batch in source.iter_batches(batch_size=1_000_000):
            sink.write_table(
                pa.Table.from_batches([batch.slice(0, left)]), row_group_size=RECORD_ROW_GROUP
            )
            left -= min(left, batch.num_rows)
            if left == 0:
                break
    partial.rename(out)
    return out


def first_csv_lines(path: Path, count: int) -> Path:
    """Return a CSV file of the header and the first ``count`` lines of ``path`` (kept)."""
    out = path.with_name(f"{path.stem}-first{count}.csv")
    if out.is_file():
        return out
    partial = out.with_suffix(".partial")
    with path.open("rb") as source, partial.open("wb") as sink:
        sink.writelines(itertools.islice(source, count + 1))
    partial.rename(out)
    return out
