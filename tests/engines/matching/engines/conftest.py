"""The conformance suite's inputs and the engines it runs them through.

Every test that takes ``engine`` runs once per engine in ``ENGINES``; the engines are fetched
once per session (Spark's start-up is slow). ``build_job`` writes small canonical tables (rows
as dicts, times as ISO 8601 text) to Parquet; ``rows`` turns a result table back into dicts with
times as text, so expected findings read as written. ``generated_job`` is a bigger input with
every rule's edges in it; ``generated/conftest.py`` holds what the rules call for on it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleannet.engines.matching import (
    CGNAT_BLOCK,
    ENGINES,
    HUB_EVENT,
    INDICATOR,
    LEASE,
    LOG_RECORD,
    Engine,
    MatchJob,
    get_engine,
)

Row = dict[str, Any]

_DEFAULTS: dict[str, Row] = {
    "records": {
        "kind": "dns",
        "client_port": None,
        "qname": None,
        "dst_ip": None,
        "dst_port": None,
        "url": None,
    },
    "indicators": {"family": None, "valid_from": None, "valid_until": None},
    "leases": {"end": None},
    "cgnat": {"end": None},
    "events": {"port": None, "family": None},
}
_SCHEMAS = {
    "records": LOG_RECORD,
    "indicators": INDICATOR,
    "leases": LEASE,
    "cgnat": CGNAT_BLOCK,
    "events": HUB_EVENT,
}


@pytest.fixture(scope="session", params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn, fetched once per session."""
    try:
        return get_engine(request.param)
    except ImportError as error:  # PySpark is an optional extra
        pytest.skip(f"engine {request.param!r} cannot be loaded here: {error}")


def _time(value: object) -> object:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _complete(table: str, rows: Iterable[Row]) -> list[Row]:
    """Return ``rows`` with the defaults filled in, times parsed and evidence numbered."""
    schema = _SCHEMAS[table]
    done = []
    for number, row in enumerate(rows, start=1):
        full = {**_DEFAULTS[table], "evidence": f"{table}:{number}", **row}
        if table == "indicators":
            full.setdefault("indicator", full["value"])
        done.append(
            {
                name: _time(full[name])
                if pa.types.is_timestamp(schema.field(name).type)
                else full[name]
                for name in schema.names
            }
        )
    return done


def _write(path: Path, table: str, rows: Iterable[Row]) -> Path:
    pq.write_table(pa.Table.from_pylist(_complete(table, rows), schema=_SCHEMAS[table]), path)
    return path


@pytest.fixture
def build_job(tmp_path: Path) -> Callable[..., MatchJob]:
    """Return ``build(records=, indicators=, leases=, cgnat=None, events=None, files=1)``: the
    rows written as canonical Parquet (records split over ``files`` files) and their job."""

    def build(
        *,
        records: list[Row] = (),  # type: ignore[assignment]
        indicators: list[Row] = (),  # type: ignore[assignment]
        leases: list[Row] = (),  # type: ignore[assignment]
        cgnat: list[Row] | None = None,
        events: list[Row] | None = None,
        files: int = 1,
    ) -> MatchJob:
        complete = _complete("records", records)
        parts = [complete[part::files] for part in range(files)]
        return MatchJob(
            records=[
                _write(tmp_path / f"records-{n}.parquet", "records", part)
                for n, part in enumerate(parts)
            ],
            indicators=_write(tmp_path / "indicators.parquet", "indicators", indicators),
            leases=_write(tmp_path / "leases.parquet", "leases", leases),
            cgnat=None if cgnat is None else _write(tmp_path / "cgnat.parquet", "cgnat", cgnat),
            events=None
            if events is None
            else _write(tmp_path / "events.parquet", "events", events),
            work_dir=tmp_path / "work",
            memory_limit="2GB",  # one Spark session serves every test: 1 GB ran out, the GC spun
            threads=2,
        )

    return build


def _text(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture
def rows() -> Callable[[pa.Table], list[Row]]:
    """Return ``rows(table)``: its rows as dicts, times as ISO 8601 UTC text with Z."""
    return lambda table: [{k: _text(v) for k, v in row.items()} for row in table.to_pylist()]


# ---- a generated input with every rule's edge in it, many times over ----

_DAY = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
_SPAN_S = 2 * 86_400  # two UTC days, so daily counts have a boundary to cross


def _second(rng: random.Random) -> dt.datetime:
    return _DAY + dt.timedelta(seconds=rng.randrange(_SPAN_S))


def _generated_indicators(rng: random.Random) -> list[Row]:
    families = ["mirai", "mozi", "emotet", None]
    values = (
        [("domain", f"evil{n}.example") for n in range(20)]
        + [("domain", f"cdn.bad{n}.test") for n in range(5)]
        + [("domain", "xn--nhhng-pta5d.vn"), ("domain", "com.example")]
        + [("ip", f"198.51.100.{n}") for n in range(0, 250, 25)]
        + [("ip", "2001:db8:bad::1"), ("ip", "2001:db8::dead")]
        + [
            ("cidr", "203.0.113.128/25"),
            ("cidr", "192.0.2.16/28"),
            ("cidr", "192.0.2.0/24"),
            ("cidr", "2001:db8:bad::/48"),
            ("cidr", "2001:db8:0:ff00::/56"),
            ("cidr", "10.9.9.9/32"),
        ]
        + [("url", f"http://evil{n}.example/") for n in range(3)]
        + [
            ("url", "http://site1.example/dl/"),
            ("url", "http://site2.example/a.exe"),
            ("url", "http://198.51.100.77/bin/"),
            ("url", "http://[2001:db8::77]/x"),
        ]
    )
    rows = []
    for kind, value in values:
        for _window in range(rng.choice([1, 1, 1, 2])):  # some indicators have two windows
            start = _second(rng) if rng.random() < 0.3 else None
            end = start + dt.timedelta(hours=rng.randrange(1, 30)) if start else None
            rows.append(
                {
                    "kind": kind,
                    "value": value,
                    "family": rng.choice(families),
                    "indicator": value.upper() if kind == "domain" else value,
                    "valid_from": start,
                    "valid_until": end,
                }
            )
    return rows


def _edges(*tables: list[Row]) -> list[dt.datetime]:
    """Return the seconds just before, at and just after every window's start and end."""
    moments = {
        row[column]
        for table in tables
        for row in table
        for column in ("start", "end", "valid_from", "valid_until")
        if row.get(column) is not None
    }
    one = dt.timedelta(seconds=1)
    return sorted({moment + step for moment in moments for step in (-one, one * 0, one)})


def _generated_record(
    rng: random.Random, clients: list[str], edges: list[dt.datetime], evidence: str
) -> Row:
    kind = rng.choice(["dns", "dns", "flow", "http"])
    client = rng.choice(clients)
    port = rng.randrange(1024, 1024 + 4096) if client.startswith("203.0.113.") else None
    moment = rng.choice(edges) if rng.random() < 0.4 else _second(rng)
    row: Row = {
        "kind": kind,
        "client_ip": client,
        "client_port": port,
        "evidence": evidence,
        "ts": moment + dt.timedelta(microseconds=rng.choice([0, 0, 0, 250])),
    }
    hosts = [
        f"evil{rng.randrange(25)}.example",
        f"notevil{rng.randrange(5)}.example",
        f"x.cdn.bad{rng.randrange(6)}.test",
        f"bad{rng.randrange(6)}.test",
        "xn--nhhng-pta5d.vn",
        f"site{rng.randrange(4)}.example",
        "www.com.example",
    ]
    name = rng.choice(["", "a.", "www.", "a.b."]) + rng.choice(hosts)
    if kind == "dns":
        row["qname"] = name
    elif kind == "flow":
        row["dst_ip"] = rng.choice(
            [
                f"198.51.100.{rng.randrange(256)}",
                f"203.0.113.{rng.randrange(120, 136)}",
                f"192.0.2.{rng.randrange(10, 40)}",
                "10.9.9.9",
                "10.9.9.8",
                f"2001:db8:bad:{rng.randrange(3):x}::{rng.randrange(9)}",
                "2001:db8:bac::1",
                f"2001:db8:0:{rng.choice(['feff', 'ff00', 'ffff', '100'])}::1",
                "2001:db8::dead",
            ]
        )
    else:
        host = rng.choice([name, "198.51.100.77", "198.51.100.25", "[2001:db8::77]"])
        path = rng.choice(["/", "/dl/", "/dl/x.bin", "/dlx", "/a.exe", "/bin/", "/x", "/x/y"])
        row["url"] = f"http://{host}{path}"
        row["qname"] = None if host[0] in "1[" else host
    return row


def _generated_leases(rng: random.Random, inside: list[str]) -> list[Row]:
    leases = []
    for n, ip in enumerate(inside):
        moment = _DAY - dt.timedelta(hours=1)
        while moment < _DAY + dt.timedelta(seconds=_SPAN_S):
            end = moment + dt.timedelta(seconds=rng.randrange(600, 40_000))
            subscriber = f"sub-{n}-{rng.randrange(3)}"
            leases.append({"subscriber": subscriber, "ip": ip, "start": moment, "end": end})
            if rng.random() < 0.1:  # an overlap, of another subscriber or the same one
                other = rng.choice([subscriber, f"sub-{n}-x"])
                leases.append(
                    {
                        "subscriber": other,
                        "ip": ip,
                        "start": end - dt.timedelta(minutes=20),
                        "end": end + dt.timedelta(minutes=20),
                    }
                )
            gap = rng.random() < 0.1  # a missing lease
            moment = end + dt.timedelta(seconds=rng.randrange(60, 3600) if gap else 0)
    leases[-1]["end"] = None
    return leases


def _generated_blocks(rng: random.Random, inside: list[str]) -> list[Row]:
    blocks = []
    for public in range(4):
        for block in range(4):
            start = _DAY + dt.timedelta(seconds=rng.randrange(-3600, _SPAN_S // 2))
            blocks.append(
                {
                    "public_ip": f"203.0.113.{public}",
                    "port_from": 1024 + 1024 * block,
                    "port_to": 2047 + 1024 * block,
                    "inside_ip": rng.choice(inside),
                    "start": start,
                    "end": rng.choice([None, start + dt.timedelta(hours=20)]),
                }
            )
    blocks.append({**blocks[0], "port_from": 2000, "port_to": 2100, "inside_ip": "100.64.9.9"})
    return blocks


@pytest.fixture(scope="session")
def generated_job(tmp_path_factory: pytest.TempPathFactory) -> MatchJob:
    """20,000 records over two days, split over two files, with indicators, leases, CGNAT
    blocks and hub events whose edges (windows, lease ends, port blocks) records often hit."""
    rng = random.Random(20260304)
    inside = [f"100.64.0.{n}" for n in range(40)] + [f"2001:db8:1::{n:x}" for n in range(10)]
    clients = inside + [f"203.0.113.{n}" for n in range(5)]
    indicators = _generated_indicators(rng)
    leases, blocks = _generated_leases(rng, inside), _generated_blocks(rng, inside)
    edges = _edges(indicators, leases, blocks)
    records = [_generated_record(rng, clients, edges, f"gen.log:{n}") for n in range(1, 20_001)]
    events = [
        {
            "ts": _second(rng),
            "ip": rng.choice(clients),
            "indicator": "sinkhole:botnet",
            "port": rng.choice([None, rng.randrange(1024, 5120)]),
            "evidence": f"ev-{n}",
            "family": rng.choice(["mirai", None]),
        }
        for n in range(300)
    ]
    root = tmp_path_factory.mktemp("generated")
    halves = [records[: len(records) // 2], records[len(records) // 2 :]]
    return MatchJob(
        records=[
            _write(root / f"records-{n}.parquet", "records", half) for n, half in enumerate(halves)
        ],
        indicators=_write(root / "indicators.parquet", "indicators", indicators),
        leases=_write(root / "leases.parquet", "leases", leases),
        cgnat=_write(root / "cgnat.parquet", "cgnat", blocks),
        events=_write(root / "events.parquet", "events", events),
        work_dir=root / "work",
        memory_limit="2GB",
    )
