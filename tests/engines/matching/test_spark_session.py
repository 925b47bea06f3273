"""What only the Spark engine promises: a quiet UTC session, exact addresses in Spark SQL,
and the results of a small match cast to the schemas (the conformance suite under
``engines/`` holds it equal to DuckDB on everything else)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F  # noqa: N812

from cleannet.engines.matching import (
    CGNAT_BLOCK,
    DAILY_COUNT,
    FINDING,
    INDICATOR,
    LEASE,
    LOG_RECORD,
    UNATTRIBUTED,
    MatchJob,
    MatchResult,
    get_engine,
    spark_engine,
)
from cleannet.engines.matching.spark_addresses import (
    with_address_key,
    with_cidr_key,
)
from cleannet.engines.matching.spark_session import (
    driver_memory,
    local_master,
    spark_session,
)

Row = dict[str, Any]
DEFAULTS: dict[str, Row] = {
    "records": {"kind": "dns", "client_port": None, "qname": None, "dst_ip": None},
    "indicators": {"family": None, "valid_from": None, "valid_until": None},
    "leases": {"end": None},
    "cgnat": {"end": None},
}
SCHEMAS = {"records": LOG_RECORD, "indicators": INDICATOR, "leases": LEASE, "cgnat": CGNAT_BLOCK}
ALICE = {"subscriber": "alice", "ip": "100.64.0.1", "start": "2026-03-04T00:00:00Z"}
EVIL = {"kind": "domain", "value": "evil.example"}

QUIET_START = """
import json
from cleannet.engines.matching.spark_session import spark_session
spark = spark_session("local[1]", "512MB", None)
count = spark.range(3).count()
print(json.dumps({"count": count, "zone": spark.conf.get("spark.sql.session.timeZone"),
                  "master": spark.sparkContext.master}))
"""


@pytest.fixture(scope="module")
def spark_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark")


@pytest.fixture
def spark(spark_dir: Path) -> SparkSession:
    """The process's session (shared with every Spark test; asked for again each time, as
    a test may restart its context)."""
    return spark_session("local[2]", "1GB", spark_dir)


def dns(moment: str, qname: str, client: str = "100.64.0.1", port: int | None = None) -> Row:
    """A DNS record on 2026-03-04 at ``moment`` (a time of day)."""
    ts = f"2026-03-04T{moment}Z"
    return {"ts": ts, "client_ip": client, "client_port": port, "qname": qname}


def flow(moment: str, address: str) -> Row:
    """A flow from alice's address to ``address`` on 2026-03-04 at ``moment``."""
    ts = f"2026-03-04T{moment}Z"
    return {"ts": ts, "kind": "flow", "client_ip": "100.64.0.1", "dst_ip": address}


def _table(name: str, rows: list[Row]) -> pa.Table:
    done = []
    for number, row in enumerate(rows, start=1):
        full = {**DEFAULTS[name], "evidence": f"{name}:{number}", **row}
        if name == "indicators":
            full.setdefault("indicator", full["value"])
        for field in SCHEMAS[name]:
            value = full.setdefault(field.name, None)
            if pa.types.is_timestamp(field.type) and isinstance(value, str):
                full[field.name] = dt.datetime.fromisoformat(value)
        done.append(full)
    return pa.Table.from_pylist(done, schema=SCHEMAS[name])


@pytest.fixture
def run_match(tmp_path: Path, spark: SparkSession) -> Callable[..., MatchResult]:
    """Return ``run(records=, indicators=, leases=, cgnat=None)``: the rows (times as ISO
    8601 text) written as canonical Parquet and matched by the Spark engine."""

    def run(**tables: list[Row] | None) -> MatchResult:
        paths = {}
        for name, rows in tables.items():
            if rows is not None:
                paths[name] = tmp_path / f"{name}.parquet"
                pq.write_table(_table(name, rows), paths[name])
        job = MatchJob(
            records=[paths["records"]],
            indicators=paths["indicators"],
            leases=paths["leases"],
            cgnat=paths.get("cgnat"),
            work_dir=tmp_path / "work",
            memory_limit="2GB",
        )
        return get_engine("spark").run(job)

    return run


def test_it_starts_a_session_that_says_nothing_on_the_console(tmp_path: Path) -> None:
    # A fresh process: the JVM, its log4j banner and the JDK's warnings start only once.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", QUIET_START],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        check=False,
    )

    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {"count": 3, "zone": "UTC", "master": "local[1]"}


def test_it_restarts_spark_in_the_next_job_s_folder_once_the_last_one_is_gone(
    spark: SparkSession, tmp_path: Path
) -> None:
    # A worker matches in a fresh temporary folder each time and removes it afterwards.
    spark.sparkContext.stop()
    first = spark_session("local[2]", "1GB", tmp_path / "first")
    shutil.rmtree(tmp_path / "first")

    second = spark_session("local[2]", "1GB", tmp_path / "second")

    assert first.sparkContext.getConf().get("spark.local.dir") == str(tmp_path / "first")
    assert second.sparkContext.getConf().get("spark.local.dir") == str(tmp_path / "second")
    assert second.range(5).groupBy((F.col("id") % 2).alias("odd")).count().count() == 2


def test_it_keeps_the_session_in_utc_with_few_shuffle_partitions(spark: SparkSession) -> None:
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "4"
    assert spark.sparkContext.getConf().get("spark.ui.enabled") == "false"


@pytest.mark.parametrize(
    ("limit", "expected"),
    [("2GB", "2048m"), ("512MB", "512m"), ("1.5GiB", "1536m"), ("1tb", "1048576m")],
)
def test_it_gives_spark_the_job_s_memory_limit_in_mebibytes(limit: str, expected: str) -> None:
    assert driver_memory(limit) == expected


def test_it_refuses_a_memory_limit_that_is_not_a_size() -> None:
    with pytest.raises(ValueError, match="'plenty' is not a size"):
        driver_memory("plenty")


def test_it_runs_locally_with_the_job_s_threads_unless_given_a_master(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: list[tuple[str, str, Path | None]] = []
    monkeypatch.setattr(spark_engine, "spark_session", lambda *args: started.append(args))
    job = MatchJob(records=[], indicators=tmp_path, leases=tmp_path, threads=3, work_dir=tmp_path)

    spark_engine.SparkEngine().session(job)
    spark_engine.SparkEngine("spark://cluster.example:7077").session(job)

    assert started == [
        ("local[3]", "2GB", tmp_path),
        ("spark://cluster.example:7077", "2GB", tmp_path),
    ]
    assert (local_master(0), spark_engine.ENGINE.name) == ("local[1]", "spark")


def _expected_key(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    width = 32 if address.version == 4 else 128
    return f"{address.version}{int(address):0{width}b}"


def test_it_turns_canonical_addresses_into_their_exact_bits(spark: SparkSession) -> None:
    rng = random.Random(4)
    texts = [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(200)]
    # IPv6 with runs of zero groups, so that "::" stands in different places.
    masks = [2**128 - 1, 2**128 - 2**64, 2**48 - 1]
    texts += [
        str(ipaddress.IPv6Address(rng.getrandbits(128) & rng.choice(masks))) for _ in range(200)
    ]
    texts += ["::", "::1", "1::", "2001:db8::ffff:1.2.3.4", "::ffff:198.51.100.7"]
    frame = spark.createDataFrame([(text,) for text in texts], "address string")

    keys = dict(with_address_key(frame, "address", "key").collect())

    assert keys == {text: _expected_key(text) for text in texts}


@pytest.mark.parametrize(
    "text",
    ["1.2.3", "1.2.3.256", "01.2.3.4", "1::2::3", "1:2:3:4:5:6:7::8", ":::1", "2001:DB8::1", ""],
)
def test_it_gives_no_bits_for_text_that_is_not_a_canonical_address(
    spark: SparkSession, text: str
) -> None:
    frame = spark.createDataFrame([(text,)], "address string")

    assert with_address_key(frame, "address", "key").collect()[0]["key"] is None


def test_it_cuts_a_cidr_to_its_prefix_bits(spark: SparkSession) -> None:
    cidrs = ["10.0.0.0/8", "2001:db8:ff00::/41", "0.0.0.0/0", "1.2.3.0/33", "x/3", "1.2.3.0"]
    frame = spark.createDataFrame([(cidr,) for cidr in cidrs], "value string")

    keys = dict(with_cidr_key(frame, "value", "key").collect())

    assert keys == {
        "10.0.0.0/8": "400001010",
        "2001:db8:ff00::/41": "6" + f"{0x20010DB8FF:040b}" + "0",
        "0.0.0.0/0": "4",
        "1.2.3.0/33": None,
        "x/3": None,
        "1.2.3.0": None,
    }


def test_it_matches_a_name_under_a_domain_and_attributes_it(run_match) -> None:
    result = run_match(
        records=[
            dns("10:00:00.123456", "a.b.evil.example"),
            dns("10:05:00", "evil.example"),
            dns("10:06:00", "notevil.example"),
        ],
        indicators=[{**EVIL, "indicator": "EVIL.example.", "family": "mirai"}],
        leases=[ALICE],
    )

    assert result.findings.to_pylist() == [
        {
            "subscriber": "alice",
            "ip": "100.64.0.1",
            "indicator_kind": "domain",
            "indicator": "EVIL.example.",
            "family": "mirai",
            "first_seen": dt.datetime(2026, 3, 4, 10, 0, 0, 123456, tzinfo=dt.UTC),
            "last_seen": dt.datetime(2026, 3, 4, 10, 5, tzinfo=dt.UTC),
            "count": 2,
            "evidence": "records:1",
        }
    ]
    assert (result.records_read, result.records_matched) == (3, 2)


def test_it_gives_results_cast_exactly_to_their_schemas(run_match) -> None:
    result = run_match(
        records=[dns("23:59:59.999999", "evil.example", client="100.64.0.9")],
        indicators=[EVIL],
        leases=[ALICE],
    )

    assert result.findings.schema == FINDING
    assert result.daily_counts.schema == DAILY_COUNT
    assert result.unattributed.schema == UNATTRIBUTED
    assert result.unattributed.column("ts").to_pylist() == [
        dt.datetime(2026, 3, 4, 23, 59, 59, 999999, tzinfo=dt.UTC)
    ]


def test_it_translates_a_cgnat_port_to_the_inside_address(run_match) -> None:
    public = "203.0.113.1"
    block = {"public_ip": public, "port_from": 1024, "port_to": 2047, "inside_ip": "100.64.0.1"}
    result = run_match(
        records=[
            dns("10:00:00", "evil.example", client=public, port=2047),
            dns("10:00:01", "evil.example", client=public, port=2048),
        ],
        indicators=[EVIL],
        leases=[ALICE],
        cgnat=[{**block, "start": "2026-03-04T00:00:00Z"}],
    )

    assert [(f["subscriber"], f["ip"]) for f in result.findings.to_pylist()] == [
        ("alice", "100.64.0.1")
    ]
    assert [(u["reason"], u["ip"], u["port"]) for u in result.unattributed.to_pylist()] == [
        ("no lease", public, 2048)
    ]


def test_it_matches_an_ipv6_cidr_to_its_last_bit(run_match) -> None:
    # /45: the prefix ends inside a hex digit (2001:db8:ff0 + the top bit of the next one).
    result = run_match(
        records=[
            flow("10:00:01", "2001:db8:ff00::"),
            flow("10:00:02", "2001:db8:ff07:ffff:ffff:ffff:ffff:ffff"),
            flow("10:00:03", "2001:db8:ff08::"),
            flow("10:00:04", "2001:db8:feff:ffff:ffff:ffff:ffff:ffff"),
        ],
        indicators=[{"kind": "cidr", "value": "2001:db8:ff00::/45", "family": "c2"}],
        leases=[ALICE],
    )

    assert [(f["indicator"], f["count"]) for f in result.findings.to_pylist()] == [
        ("2001:db8:ff00::/45", 2)
    ]
    assert result.findings.column("last_seen").to_pylist() == [
        dt.datetime(2026, 3, 4, 10, 0, 2, tzinfo=dt.UTC)
    ]
