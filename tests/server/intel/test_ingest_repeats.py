"""Ingesting again: a crashed run continues, known content is all duplicates, repeats merge."""

from pathlib import Path

import pytest

from cleannet.engines.feeds import ParseOptions, text_source
from cleannet.server.intel import ingest as ingest_module
from cleannet.server.intel.ingest import RunTakenOver, ingest_sources, sources_from_paths
from cleannet.server.intel.models import Event, Evidence, FeedRun, RejectedRow
from cleannet.server.networks.index import forget_prefix_indexes

pytestmark = pytest.mark.django_db

SINKHOLE = Path(__file__).parent / "fixtures" / "2026-03-04-event4_sinkhole-songhong-asn.csv"
HEADER = SINKHOLE.read_text().splitlines()[0]
LINE = (
    '"2026-03-04 {time}","tcp","203.0.113.5",{port},64500,"VN",,,,,,,,,"198.51.100.2",4455,'
    '64499,"DE",,,,,,"eset","victorygate.b","victorygate.b",,,,'
)


@pytest.fixture(autouse=True)
def _fresh_prefix_index() -> None:
    forget_prefix_indexes()


def ingest(**kwargs) -> FeedRun:
    return ingest_sources(
        None, sources_from_paths([SINKHOLE]), "shadowserver", ParseOptions(), **kwargs
    )


def report(name: str, *times: str) -> object:
    lines = [LINE.format(time=time, port=17000 + int(time[3:5])) for time in times]
    return text_source(f"2026-03-04-event4_sinkhole-{name}-asn.csv", "\n".join([HEADER, *lines]))


def counts(run: FeedRun) -> tuple[int, int, int, int]:
    run.refresh_from_db()
    return run.read, run.accepted, run.rejected, run.duplicates


def stored_events() -> set[tuple]:
    return set(Event.objects.values_list("event_hash", "count", "first_seen", "last_seen"))


def crash_on_batch(monkeypatch, number: int) -> None:
    """Make the store fail after writing the ``number``-th batch, inside its transaction."""
    real = ingest_module.store_aggregates
    calls = []

    def store(*args):
        calls.append(1)
        stored = real(*args)
        if len(calls) == number:
            raise RuntimeError("the worker was killed")
        return stored

    monkeypatch.setattr(ingest_module, "store_aggregates", store)


def test_it_counts_every_row_as_a_duplicate_when_the_content_was_ingested(networks) -> None:
    first = ingest()
    events, evidence = stored_events(), Evidence.objects.count()
    again = ingest()
    assert again.pk != first.pk
    assert counts(again) == (15, 0, 0, 15)
    assert again.status == FeedRun.Status.SUCCEEDED
    assert f"run {first.pk}" in again.note
    assert stored_events() == events
    assert Evidence.objects.count() == evidence


def test_it_continues_a_crashed_run_to_the_counts_of_a_clean_run(networks, monkeypatch) -> None:
    clean = ingest(batch_rows=4)
    clean_counts, clean_events = counts(clean), stored_events()
    FeedRun.objects.all().delete()
    Event.objects.all().delete()
    with monkeypatch.context() as patch:
        crash_on_batch(patch, 2)
        with pytest.raises(RuntimeError, match="killed"):
            ingest(batch_rows=4)
    crashed = FeedRun.objects.get()
    assert (crashed.status, crashed.interrupted, crashed.read) == ("failed", True, 4)
    assert "killed" in crashed.error
    resumed = ingest()
    assert resumed.pk == crashed.pk
    assert (resumed.attempt, resumed.status) == (2, FeedRun.Status.PARTIAL)
    assert "Attempt 1 stopped after 4 rows" in resumed.note
    assert counts(resumed) == clean_counts
    assert stored_events() == clean_events
    assert RejectedRow.objects.filter(run=resumed).count() == 5


def test_it_continues_a_run_whose_process_died_without_closing_it(networks, monkeypatch) -> None:
    with monkeypatch.context() as patch:
        crash_on_batch(patch, 3)
        patch.setattr(ingest_module, "_interrupt", lambda *args: None)
        with pytest.raises(RuntimeError):
            ingest(batch_rows=4)
    assert FeedRun.objects.get().status == FeedRun.Status.RUNNING
    resumed = ingest()
    assert counts(resumed) == (15, 9, 5, 1)
    assert Event.objects.get(source_ip="203.0.113.5", count=4)


def test_it_stops_a_run_another_process_has_continued(networks) -> None:
    def take_over(read: int) -> None:
        if read == 4:
            ingest()  # another worker picks the same content up and finishes it

    with pytest.raises(RunTakenOver):
        ingest(batch_rows=4, progress=take_over)
    run = FeedRun.objects.get()
    assert (run.attempt, run.status) == (2, FeedRun.Status.PARTIAL)
    assert counts(run) == (15, 9, 5, 1)
    assert Event.objects.get(source_ip="203.0.113.5", count=4)


def test_it_merges_repeats_spread_over_two_files_of_one_run(networks) -> None:
    first = report("a", "00:10:00", "00:20:00", "00:30:00")
    second = report("b", "00:30:00", "00:40:00", "00:05:00")
    run = ingest_sources(None, [first, second], "shadowserver", ParseOptions())
    assert counts(run) == (6, 5, 0, 1)
    event = Event.objects.get()
    assert event.count == 5
    assert (event.first_seen.minute, event.last_seen.minute) == (5, 40)
    assert run.source_name == f"{first.name}, {second.name}"


def test_it_merges_repeats_of_two_runs_into_the_stored_event(networks) -> None:
    ingest_sources(None, [report("a", "00:10:00", "00:20:00")], "shadowserver", ParseOptions())
    later = report("b", "00:40:00", "00:05:00")
    run = ingest_sources(None, [later], "shadowserver", ParseOptions())
    assert (run.events_created, run.events_merged) == (0, 1)
    event = Event.objects.get()
    assert event.count == 4
    assert (event.first_seen.minute, event.last_seen.minute) == (5, 40)


def test_it_counts_a_line_another_run_stored_as_evidence_as_a_duplicate(networks) -> None:
    ingest_sources(None, [report("a", "00:10:00")], "shadowserver", ParseOptions())
    overlapping = report("b", "00:10:00", "00:50:00")
    run = ingest_sources(None, [overlapping], "shadowserver", ParseOptions())
    assert counts(run) == (2, 1, 0, 1)
    assert Event.objects.get().count == 2


def test_it_stores_a_line_cited_by_several_events_once(networks) -> None:
    one = report("a", "00:10:00")
    ingest_sources(None, [one], "shadowserver", ParseOptions(feed_name="sinkhole-one"))
    ingest_sources(None, [one], "shadowserver", ParseOptions(feed_name="sinkhole-two"))
    assert Event.objects.count() == 2
    assert Evidence.objects.count() == 1
    assert set(Event.objects.values_list("evidence", flat=True)) == {Evidence.objects.get().pk}
