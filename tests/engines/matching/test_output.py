"""Result tables to and from CSV, JSON Lines and Parquet (by extension), and their one order."""

import datetime as dt
import json

import pyarrow as pa
import pytest

from cleannet.engines.matching import DAILY_COUNT, FINDING, UNATTRIBUTED
from cleannet.engines.matching.output import finish_table, read_table, write_table

UTC = dt.UTC
FINDINGS = pa.Table.from_pylist(
    [
        {
            "subscriber": "alice",
            "ip": "100.64.0.1",
            "indicator_kind": "domain",
            "indicator": "NgânHàng.VN",
            "family": None,
            "first_seen": dt.datetime(2026, 3, 4, 10, 0, 0, tzinfo=UTC),
            "last_seen": dt.datetime(2026, 3, 4, 11, 0, 0, 120, tzinfo=UTC),
            "count": 3,
            "evidence": 'dns.log:7, "quoted"',
        },
        {
            "subscriber": "bob",
            "ip": "2001:db8::1",
            "indicator_kind": "event",
            "indicator": "sinkhole:botnet",
            "family": "mirai",
            "first_seen": dt.datetime(2026, 3, 4, 23, 59, 59, tzinfo=UTC),
            "last_seen": dt.datetime(2026, 3, 5, 0, 0, 0, tzinfo=UTC),
            "count": 1,
            "evidence": "ev-1",
        },
    ],
    schema=FINDING,
)
DAILY = pa.Table.from_pylist(
    [
        {
            "day": dt.date(2026, 3, 4),
            "family": None,
            "indicator_kind": "ip",
            "subscribers": 2,
            "records": 9,
        }
    ],
    schema=DAILY_COUNT,
)
UNATTRIBUTED_ROWS = pa.Table.from_pylist(
    [
        {
            "reason": "overlapping leases",
            "ip": "100.64.0.1",
            "port": None,
            "ts": dt.datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
            "indicator": "evil.example",
            "candidates": "alice;bob",
            "evidence": "dns.log:1",
        }
    ],
    schema=UNATTRIBUTED,
)


@pytest.mark.parametrize("extension", [".csv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("table", [FINDINGS, DAILY, UNATTRIBUTED_ROWS])
def test_it_reads_back_what_it_wrote_in_each_format(tmp_path, extension, table) -> None:
    path = tmp_path / f"out{extension}"

    write_table(table, path)

    assert read_table(path).equals(table)


def test_it_writes_csv_with_a_header_and_iso_utc_times_with_z(tmp_path) -> None:
    path = tmp_path / "findings.csv"

    write_table(FINDINGS, path)

    assert path.read_text(encoding="utf-8").splitlines() == [
        "subscriber,ip,indicator_kind,indicator,family,first_seen,last_seen,count,evidence",
        "alice,100.64.0.1,domain,NgânHàng.VN,,2026-03-04T10:00:00Z,"
        '2026-03-04T11:00:00.000120Z,3,"dns.log:7, ""quoted"""',
        "bob,2001:db8::1,event,sinkhole:botnet,mirai,2026-03-04T23:59:59Z,2026-03-05T00:00:00Z,1,ev-1",
    ]


def test_it_writes_one_json_object_per_line_with_the_same_text_values(tmp_path) -> None:
    path = tmp_path / "daily.jsonl"

    write_table(pa.concat_tables([DAILY, DAILY]), path)

    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == 2 * [
        {
            "day": "2026-03-04",
            "family": None,
            "indicator_kind": "ip",
            "subscribers": 2,
            "records": 9,
        }
    ]


def test_it_writes_times_in_json_lines_as_in_csv(tmp_path) -> None:
    path = tmp_path / "findings.jsonl"

    write_table(FINDINGS, path)

    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert (first["first_seen"], first["last_seen"], first["count"]) == (
        "2026-03-04T10:00:00Z",
        "2026-03-04T11:00:00.000120Z",
        3,
    )


@pytest.mark.parametrize("name", ["findings.xlsx", "findings", "findings.csv.gz", "f.json"])
def test_it_refuses_an_extension_it_does_not_know_naming_the_three(tmp_path, name) -> None:
    with pytest.raises(ValueError, match=r"one of \.csv, \.jsonl, \.parquet"):
        write_table(FINDINGS, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_it_chooses_the_format_by_extension_whatever_its_case(tmp_path) -> None:
    path = tmp_path / "FINDINGS.CSV"

    write_table(FINDINGS, path)

    assert path.read_text(encoding="utf-8").startswith("subscriber,ip,")


def test_it_reads_other_tables_with_the_types_arrow_infers(tmp_path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,x\n", encoding="utf-8")

    assert read_table(path).to_pylist() == [{"a": 1, "b": "x"}]


@pytest.mark.parametrize("extension", [".csv", ".jsonl", ".parquet"])
def test_it_reads_back_an_empty_table_of_a_given_schema(tmp_path, extension) -> None:
    path = tmp_path / f"empty{extension}"
    write_table(FINDING.empty_table(), path)

    assert read_table(path, FINDING).equals(FINDING.empty_table())


def test_it_sorts_unattributed_rows_by_the_sort_keys_then_candidates_and_evidence() -> None:
    base = UNATTRIBUTED_ROWS.to_pylist()[0]
    rows = [
        {**base, "evidence": "dns.log:9"},
        {**base, "evidence": "dns.log:10"},
        {**base, "port": 7, "evidence": "dns.log:1"},
        {**base, "candidates": None, "evidence": "dns.log:0"},
    ]

    finished = finish_table(pa.Table.from_pylist(rows, schema=UNATTRIBUTED), "unattributed")

    assert [(r["port"], r["candidates"], r["evidence"]) for r in finished.to_pylist()] == [
        (7, "alice;bob", "dns.log:1"),
        (None, "alice;bob", "dns.log:10"),
        (None, "alice;bob", "dns.log:9"),
        (None, None, "dns.log:0"),
    ]


def test_it_casts_a_table_to_its_schema_and_orders_its_columns() -> None:
    loose = pa.table(
        {
            "records": pa.array([4], pa.int32()),
            "subscribers": [1],
            "indicator_kind": ["ip"],
            "family": ["b"],
            "day": pa.array([dt.date(2026, 3, 4)]),
        }
    )

    finished = finish_table(loose, "daily_counts")

    assert finished.schema == DAILY_COUNT
    assert finished.to_pylist() == [
        {
            "day": dt.date(2026, 3, 4),
            "family": "b",
            "indicator_kind": "ip",
            "subscribers": 1,
            "records": 4,
        }
    ]
