"""``cleannet ingest`` and ``cleannet feeds``: counts for people and for scripts, exit codes."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleannet.cli import app
from cleannet.server.intel import services
from cleannet.server.intel.models import Event, FeedRun

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "server" / "intel" / "fixtures"
SINKHOLE = FIXTURES / "2026-03-04-event4_sinkhole-songhong-asn.csv"


def ingest(*args: str):
    # Wide enough that Rich does not wrap a long path inside its error box.
    return runner.invoke(app, ["ingest", "--format", "shadowserver", *args], env={"COLUMNS": "400"})


@pytest.mark.django_db
def test_it_ends_with_the_counts_as_one_json_line_on_stdout() -> None:
    result = ingest(str(SINKHOLE), "--json")
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last == '{"read": 15, "accepted": 9, "rejected": 5, "duplicates": 1}'
    assert list(json.loads(last)) == ["read", "accepted", "rejected", "duplicates"]
    assert result.stdout.strip() == last  # the summary went to stderr
    assert "6 events created" in result.stderr


@pytest.mark.django_db
def test_it_prints_a_summary_for_people() -> None:
    result = ingest(str(SINKHOLE))
    assert result.exit_code == 0
    assert "partial: 15 rows read, 9 accepted, 5 rejected, 1 duplicates" in result.stdout
    assert Event.objects.count() == 6


@pytest.mark.django_db
def test_it_counts_everything_as_duplicates_the_second_time() -> None:
    ingest(str(SINKHOLE))
    result = ingest(str(SINKHOLE), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[-1])["duplicates"] == 15
    assert "already ingested" in result.stderr


@pytest.mark.django_db
def test_it_exits_with_one_when_the_run_failed(tmp_path) -> None:
    renamed = tmp_path / "export.csv"
    shutil.copy(SINKHOLE, renamed)
    result = ingest(str(renamed), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "read": 0, "accepted": 0, "rejected": 0, "duplicates": 0,
    }  # fmt: skip
    assert "does not name a Shadowserver report type" in result.stderr
    assert FeedRun.objects.get().status == FeedRun.Status.FAILED


def test_it_names_the_missing_file_and_exits_with_two(tmp_path) -> None:
    result = ingest(str(SINKHOLE), str(tmp_path / "gone.csv"))
    assert result.exit_code == 2
    assert "gone.csv" in result.output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--format", "excel"], "--format"),
        (["--format", "shadowserver", "--window", "soon"], "--window"),
    ],
)
def test_it_refuses_a_bad_option_with_two(args, named) -> None:
    result = runner.invoke(app, ["ingest", *args, str(SINKHOLE)])
    assert result.exit_code == 2
    assert named in result.output


@pytest.mark.django_db
def test_it_refuses_a_feed_that_is_not_declared() -> None:
    result = ingest(str(SINKHOLE), "--feed", "nowhere")
    assert result.exit_code == 2
    assert "no feed named 'nowhere'" in result.output


@pytest.mark.django_db
def test_it_records_the_run_under_the_feed_and_lists_it() -> None:
    services.add_feed(None, "sinkhole", "Shadowserver", "shadowserver", schedule="0 6 * * *")
    assert ingest(str(SINKHOLE), "--feed", "sinkhole").exit_code == 0
    wide = {"COLUMNS": "200"}
    listed = runner.invoke(app, ["feeds", "list"], env=wide)
    assert listed.exit_code == 0
    assert "sinkhole" in listed.stdout
    assert "0 6 * * *" in listed.stdout
    assert "partial" in listed.stdout
    runs = runner.invoke(app, ["feeds", "runs", "sinkhole"], env=wide)
    assert runs.exit_code == 0
    assert SINKHOLE.name in runs.stdout


@pytest.mark.django_db
def test_it_refuses_the_runs_of_an_unknown_feed() -> None:
    result = runner.invoke(app, ["feeds", "runs", "nowhere"])
    assert result.exit_code == 2
