"""Ingesting several sources: a broken one is recorded and skipped, rejects stay bounded."""

import gzip
import zipfile
from pathlib import Path

import pytest

from cleannet.engines.feeds import ParseOptions, text_source
from cleannet.server.intel import ingest as ingest_module
from cleannet.server.intel.ingest import ingest_sources, sources_from_paths
from cleannet.server.intel.models import Event, FeedRun, RejectedRow
from cleannet.server.networks.index import forget_prefix_indexes

pytestmark = pytest.mark.django_db

SINKHOLE = Path(__file__).parent / "fixtures" / "2026-03-04-event4_sinkhole-songhong-asn.csv"


@pytest.fixture(autouse=True)
def _fresh_prefix_index() -> None:
    forget_prefix_indexes()


def shadowserver(sources: list) -> FeedRun:
    return ingest_sources(None, sources, "shadowserver", ParseOptions())


def test_it_records_a_source_in_the_wrong_format_and_ingests_the_others(networks) -> None:
    unnamed = text_source("export.csv", SINKHOLE.read_text())
    run = shadowserver([unnamed, *sources_from_paths([SINKHOLE])])
    assert run.status == FeedRun.Status.PARTIAL
    assert run.error.startswith("export.csv: does not name a Shadowserver report type")
    assert (run.read, run.accepted) == (15, 9)
    assert Event.objects.count() == 6


def test_it_records_a_truncated_download_and_ingests_the_others(networks, tmp_path) -> None:
    truncated = tmp_path / "2026-03-05-event4_sinkhole-cut-asn.csv.gz"
    truncated.write_bytes(gzip.compress(SINKHOLE.read_bytes())[:-40])
    run = shadowserver(sources_from_paths([truncated, SINKHOLE]))
    assert run.status == FeedRun.Status.PARTIAL
    assert run.error.startswith("2026-03-05-event4_sinkhole-cut-asn.csv: ")
    assert run.source_name == SINKHOLE.name
    assert run.accepted == 9


def test_it_fails_the_run_when_no_source_can_be_read(networks, tmp_path) -> None:
    run = shadowserver(sources_from_paths([tmp_path / "missing.csv"]))
    assert run.status == FeedRun.Status.FAILED
    assert "missing.csv: is not a file" in run.error
    assert (run.read, run.accepted, run.rejected, run.duplicates) == (0, 0, 0, 0)


def test_it_tries_a_failed_run_again_rather_than_calling_it_ingested(networks) -> None:
    unnamed = text_source("export.csv", SINKHOLE.read_text())
    assert shadowserver([unnamed]).status == FeedRun.Status.FAILED
    renamed = ingest_sources(
        None, [unnamed], "shadowserver", ParseOptions(variant="event4_sinkhole")
    )
    assert renamed.accepted == 9


def test_it_reads_each_member_of_a_zip_archive_as_a_source(networks, tmp_path) -> None:
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(SINKHOLE, SINKHOLE.name)
        bundle.writestr("README.txt", "not a report")
    run = shadowserver(sources_from_paths([archive]))
    assert run.accepted == 9
    assert "reports.zip!README.txt: does not name a Shadowserver report type" in run.error
    rejected = RejectedRow.objects.filter(run=run).first()
    assert rejected.source_name == f"reports.zip!{SINKHOLE.name}"


def test_it_names_the_source_of_each_reject_when_a_batch_spans_two_files(networks) -> None:
    lines = SINKHOLE.read_text().splitlines()
    first = text_source("2026-03-04-event4_sinkhole-a-asn.csv", "\n".join(lines[:10]))
    second = text_source("2026-03-04-event4_sinkhole-b-asn.csv", "\n".join([lines[0], *lines[10:]]))
    run = ingest_sources(None, [first, second], "shadowserver", ParseOptions(), batch_rows=100)
    where = set(RejectedRow.objects.filter(run=run).values_list("source_name", "row", "field"))
    assert where == {
        (first.name, 8, "source.ip"),
        (first.name, 9, "time.source"),
        (first.name, 10, "source.ip"),
        (second.name, 2, "classification.identifier"),
        (second.name, 6, ""),
    }
    evidence = Event.objects.get(source_ip="198.51.100.20").evidence
    assert (evidence.source_name, evidence.row) == (second.name, 4)


def test_it_keeps_only_the_first_rejected_rows_of_a_garbage_file(networks, monkeypatch) -> None:
    monkeypatch.setattr(ingest_module, "MAX_REJECTED_ROWS", 3)
    header = SINKHOLE.read_text().splitlines()[0]
    garbage = text_source(
        "2026-03-04-event4_sinkhole-junk-asn.csv",
        "\n".join([header, *(f'"not a time {n}","tcp","203.0.113.{n}"' for n in range(7))]),
    )
    run = ingest_sources(None, [garbage], "shadowserver", ParseOptions(), batch_rows=2)
    assert (run.read, run.rejected, run.status) == (7, 7, FeedRun.Status.PARTIAL)
    assert list(RejectedRow.objects.filter(run=run).values_list("row", flat=True)) == [2, 3, 4]
    assert "Kept the first 3 rejected rows for review; 4 more were counted, not kept." in run.error
