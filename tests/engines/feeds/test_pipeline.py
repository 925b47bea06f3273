"""Dedup, aggregation, attribution and batching after parsing."""

from __future__ import annotations

import datetime as dt

from cleannet.engines.feeds.pipeline import Attribution, aggregate_key, run_pipeline
from cleannet.engines.feeds.records import Accepted, Rejected

UTC = dt.UTC


def _row(
    row: int, ip: str, hour: int, minute: int = 0, day: int = 1, kind: str = "infected-system"
) -> Accepted:
    moment = dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)
    fields = {"feed.name": "f", "time.source": moment, "classification.type": kind, "source.ip": ip}
    return Accepted(row, fields, f"{moment.isoformat()},{ip},{kind}")


def test_it_aggregates_repeats_of_a_source_within_a_day() -> None:
    rows = [_row(1, "192.0.2.1", 9), _row(2, "192.0.2.1", 7), _row(3, "192.0.2.1", 23, 59)]
    (batch,) = run_pipeline(rows)
    (group,) = batch.aggregates
    assert group.count == 3
    assert group.first_seen == dt.datetime(2026, 3, 1, 7, tzinfo=UTC)
    assert group.last_seen == dt.datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
    assert group.row == 1


def test_it_keeps_different_days_classifications_and_sources_apart() -> None:
    rows = [_row(1, "192.0.2.1", 9), _row(2, "192.0.2.1", 9, day=2),
            _row(3, "192.0.2.1", 9, kind="scanner"), _row(4, "192.0.2.2", 9)]  # fmt: skip
    (batch,) = run_pipeline(rows)
    assert len(batch.aggregates) == 4


def test_it_counts_an_identical_line_twice_as_a_duplicate() -> None:
    rows = [_row(1, "192.0.2.1", 9), _row(2, "192.0.2.1", 9)]
    (batch,) = run_pipeline(rows)
    assert (batch.read, batch.accepted, batch.duplicates) == (2, 1, 1)
    assert batch.aggregates[0].count == 1


def test_it_reconciles_counts_in_every_batch() -> None:
    rows: list[Accepted | Rejected] = [_row(n, f"192.0.2.{n % 7}", n % 24) for n in range(1, 101)]
    rows += [Rejected(101, "bad", "x", "source.ip"), _row(102, "192.0.2.1", 1)]
    batches = list(run_pipeline(rows, batch_rows=30))
    assert [b.read for b in batches] == [30, 30, 30, 12]
    for batch in batches:
        assert batch.read == batch.accepted + batch.rejected_count + batch.duplicates
    assert batches[-1].last_row == 102
    assert sum(b.duplicates for b in batches) == 1


def test_it_gives_an_aggregate_the_same_key_in_every_batch_and_run() -> None:
    first = next(run_pipeline([_row(1, "192.0.2.1", 9)])).aggregates[0]
    again = next(run_pipeline([_row(5, "192.0.2.1", 17)])).aggregates[0]
    assert first.key == again.key
    window = dt.datetime(2026, 3, 1, tzinfo=UTC)
    assert first.key == aggregate_key(first.fields, window)


def test_it_attributes_each_aggregate_once_on_its_first_day() -> None:
    calls: list[tuple[str, dt.date]] = []

    def attribute(ip: str, day: dt.date) -> Attribution | None:
        calls.append((ip, day))
        return Attribution(owner="isp-a", asn=64500, network="192.0.2.0/24")

    rows = [_row(1, "192.0.2.1", 9), _row(2, "192.0.2.1", 10), _row(3, "192.0.2.9", 10)]
    (batch,) = run_pipeline(rows, attribute=attribute)
    assert sorted(calls) == [("192.0.2.1", dt.date(2026, 3, 1)), ("192.0.2.9", dt.date(2026, 3, 1))]
    assert {a.attribution.owner for a in batch.aggregates if a.attribution} == {"isp-a"}


def test_it_aggregates_in_hour_windows_when_asked() -> None:
    rows = [_row(1, "192.0.2.1", 9), _row(2, "192.0.2.1", 9, 30), _row(3, "192.0.2.1", 10)]
    (batch,) = run_pipeline(rows, window=dt.timedelta(hours=1))
    assert sorted(a.count for a in batch.aggregates) == [1, 2]
