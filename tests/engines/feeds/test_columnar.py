"""The columnar reader gives exactly the row plan's rows, aggregates and attributions."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleannet.engines.feeds import columnar
from cleannet.engines.feeds.attribution import PrefixEntry, PrefixIndex
from cleannet.engines.feeds.columnar_pipeline import attribute_rows, run_columnar_pipeline
from cleannet.engines.feeds.formats import shadowserver
from cleannet.engines.feeds.pipeline import Batch, run_pipeline
from cleannet.engines.feeds.records import Accepted, ParseOptions, Row
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parent / "fixtures" / "shadowserver"
NAME = "2026-03-04-event4_sinkhole-test.csv"
HEADER = (
    '"timestamp","protocol","src_ip","src_port","src_asn","src_geo","src_hostname",'
    '"dst_ip","dst_port","infection","family","tag","public_source"'
)


def _options(name: str = NAME) -> ParseOptions:
    return ParseOptions(source_name=name, feed_name="ss")


def _columnar_rows(text: str, name: str = NAME) -> list[Row]:
    batches = shadowserver.parse_columnar(text_source(name, text), _options(name))
    return [row for batch in batches for row in batch.rows()]


def _plan_rows(text: str, name: str = NAME) -> list[Row]:
    return list(shadowserver.parse(text_source(name, text), _options(name)))


def _pick(rng: random.Random, good: list[str], bad: list[str]) -> str:
    return rng.choice(bad if rng.random() < 0.04 else good)


def _line(rng: random.Random, number: int) -> str:
    ip = _pick(rng, ["203.0.113.7", "203.0.113.200", "2001:db8::1", "::ffff:203.0.113.9"],
               ["198.51.100.300", "", " 203.0.113.7", "=cmd|' /C calc'!A0"])  # fmt: skip
    moment = _pick(rng, ["2026-03-04 10:00:00", "2026-03-04T23:59:59", "2026-03-05 00:00:01",
                         "2026-03-04 10:00:00Z"],
                   ["2026-03-04 24:00:00", "yesterday", "", "2026-02-30 01:00:00",
                    "2026-03-04 10:00:60", "0000-01-01 00:00:00"])  # fmt: skip
    port = _pick(rng, ["0", "65535", "80", "0080"], ["65536", "-1", "8x", "", "None"])
    asn = _pick(rng, ["0", "64500", "", "4200000000"], ["4294967296", "AS64500"])
    host = _pick(rng, ["", "host.example", "HOST.Example.", "đà-nẵng.example"],
                 ["@SUM(1)", "a b", '"quoted, comma"'])  # fmt: skip
    source = rng.choice(["eset", '"quoted, comma"', '"a ""b"" c"', "Ðà Nẵng", "=1+2"])
    family = rng.choice(["mirai", "Mirai", "", "-", "n/a"])
    return (
        f'"{moment}","tcp","{ip}",{port},{asn},"VN",{host},"192.0.2.1",{number % 9000},'
        f'"{family}","{family}","{family}",{source}'
    )


def _awkward(rng: random.Random) -> str:
    return rng.choice(["", "# a comment", '"unclosed', "a,b", "\r", '"multi\nline",x'])


def _text(seed: int, rows: int, awkward: float, ending: str = "\n") -> str:
    rng = random.Random(seed)
    lines = [HEADER]
    for number in range(rows):
        lines.append(_awkward(rng) if rng.random() < awkward else _line(rng, number))
    return ending.join(lines) + rng.choice(["", ending])


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.csv")), ids=lambda p: p.name)
def test_it_gives_the_row_plans_rows_for_every_shadowserver_fixture(path: Path) -> None:
    (source,) = open_sources(path)
    expected = list(shadowserver.parse(source, _options(path.name)))
    found = [
        row for b in shadowserver.parse_columnar(source, _options(path.name)) for row in b.rows()
    ]
    assert found == expected


def test_it_gives_the_row_plans_rows_on_plain_generated_input() -> None:
    text = _text(seed=1, rows=3000, awkward=0.0)
    found = _columnar_rows(text)
    assert found == _plan_rows(text)
    assert sum(isinstance(row, Accepted) for row in found) > 1000


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("block", [64, 512, 1 << 20])
def test_it_gives_the_row_plans_rows_across_blocks_with_awkward_lines(
    monkeypatch: pytest.MonkeyPatch, block: int, ending: str
) -> None:
    monkeypatch.setattr(columnar, "BLOCK_CHARS", block)
    text = _text(seed=block, rows=800, awkward=0.05, ending=ending)
    assert _columnar_rows(text) == _plan_rows(text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), rows=st.integers(0, 60), awkward=st.sampled_from([0, 0.1, 0.5]),
       block=st.sampled_from([16, 200, 1 << 16]))  # fmt: skip
def test_it_agrees_with_the_row_plan_on_random_files(
    monkeypatch: pytest.MonkeyPatch, seed: int, rows: int, awkward: float, block: int
) -> None:
    monkeypatch.setattr(columnar, "BLOCK_CHARS", block)
    text = _text(seed, rows, awkward)
    assert _columnar_rows(text) == _plan_rows(text)


def test_it_reports_the_header_names_it_does_not_know() -> None:
    text = (
        HEADER + ',"brand_new"\n"2026-03-04 10:00:00","tcp","203.0.113.7",80,64500,"VN",,'
        '"192.0.2.1",80,"mirai","mirai","mirai","eset","x"\n'
    )
    options = _options()
    rows = [
        r for b in shadowserver.parse_columnar(text_source(NAME, text), options) for r in b.rows()
    ]
    assert options.unknown_columns == ["brand_new"]
    assert rows == _plan_rows(text)


def _merged(batches: Iterator[Batch]) -> tuple[dict[str, Any], list[int]]:
    """Aggregates merged by key as the store merges them, and the reconciled counts."""
    found: dict[str, Any] = {}
    counts = [0, 0, 0, 0]
    for batch in batches:
        assert batch.read == batch.accepted + batch.rejected_count + batch.duplicates
        counts = [counts[0] + batch.read, counts[1] + batch.accepted,
                  counts[2] + batch.rejected_count, counts[3] + batch.duplicates]  # fmt: skip
        for item in batch.aggregates:
            old = found.get(item.key)
            lead = (item.row, item.fields, item.raw, item.attribution)
            if old is not None and old[0][0] < item.row:
                lead = old[0]
            total = item.count + (old[1] if old else 0)
            first = min(item.first_seen, old[2]) if old else item.first_seen
            last = max(item.last_seen, old[3]) if old else item.last_seen
            found[item.key] = (lead, total, first, last)
    return found, counts


def _index() -> PrefixIndex:
    return PrefixIndex([PrefixEntry("203.0.113.0/25", 64500, "isp-a", None, None),
                        PrefixEntry("203.0.113.0/24", 64500, "isp-b", None, None),
                        PrefixEntry("2001:db8::/32", 64501, "isp-c", None, None)])  # fmt: skip


def _comparable(batch: Batch) -> tuple[object, ...]:
    aggregates = sorted(batch.aggregates, key=lambda item: item.key)
    return (batch.read, batch.accepted, batch.duplicates, batch.rejected, batch.last_row,
            [(a.key, a.row, a.fields, a.raw, a.count, a.first_seen, a.last_seen, a.attribution)
             for a in aggregates])  # fmt: skip


@pytest.mark.parametrize(("block", "batch_rows"), [(300, 50), (1 << 20, 700), (1 << 20, 50_000)])
def test_it_aggregates_and_attributes_as_the_row_pipeline(
    monkeypatch: pytest.MonkeyPatch, block: int, batch_rows: int
) -> None:
    monkeypatch.setattr(columnar, "BLOCK_CHARS", block)
    text = _text(seed=7, rows=2000, awkward=0.02)
    text += "\n".join(text.splitlines()[1:200]) + "\n"  # a report sent twice: duplicates
    index = _index()

    def attribute(ip: str, day: dt.date) -> object:
        return index.lookup(ip, None, day)

    columns = shadowserver.parse_columnar(text_source(NAME, text), _options())
    found = list(run_columnar_pipeline(columns, attribute, batch_rows=batch_rows))
    expected = list(run_pipeline(_plan_rows(text), attribute, batch_rows=batch_rows))
    assert [_comparable(b) for b in found] == [_comparable(b) for b in expected]
    assert _merged(iter(found)) == _merged(iter(expected))
    assert sum(batch.duplicates for batch in found) > 0


def test_it_attributes_every_row_as_one_lookup_per_row_would() -> None:
    text = _text(seed=3, rows=1500, awkward=0.03)
    index = _index()
    for batch in shadowserver.parse_columnar(text_source(NAME, text), _options()):
        hits = attribute_rows(batch, index.lookup_many)
        for row, hit in zip(batch.rows(), hits, strict=True):
            expected = None
            if isinstance(row, Accepted) and "source.ip" in row.fields:
                moment = row.fields["time.source"]
                assert isinstance(moment, dt.datetime)
                expected = index.lookup(str(row.fields["source.ip"]), None, moment.date())
            assert hit is expected
