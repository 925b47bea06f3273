import csv
import datetime as dt
import io
import json

import pytest
import stix2
from typer.testing import CliRunner

from cleannet.cli import app
from cleannet.cli import events as events_cli
from cleannet.core.event import Event
from cleannet.server.accounts.services import create_organisation
from cleannet.server.intel.services import record_events
from cleannet.server.networks.services import add_prefix

runner = CliRunner()


@pytest.fixture
def recorded(db) -> None:
    """Song Hong Net holds 203.0.113.0/24; three events there, one elsewhere."""
    isp = create_organisation(None, "Song Hong Net", "isp")
    add_prefix(None, "203.0.113.0/24", isp, dt.date(2020, 1, 1))
    rows = [
        ("203.0.113.1", "2026-03-01T08:00:00Z"),
        ("203.0.113.2", "2026-03-02T08:00:00Z"),
        ("203.0.113.3", "2026-03-03T08:00:00Z"),
        ("192.0.2.5", "2026-03-01T08:00:00Z"),
    ]
    record_events(
        None,
        [
            Event.from_dict(
                {
                    "feed.name": "test-feed",
                    "time.source": when,
                    "classification.type": "infected-system",
                    "source.ip": ip,
                }
            )
            for ip, when in rows
        ],
    )


def _export(*args: str):
    return runner.invoke(app, ["events", "export", *args])


def test_it_writes_an_owners_events_as_csv_to_stdout(recorded) -> None:
    result = _export("--owner", "song-hong-net", "--format", "csv", "--output", "-")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["source.ip"] for r in rows] == ["203.0.113.1", "203.0.113.2", "203.0.113.3"]


def test_it_writes_the_events_of_a_time_window_as_json_lines(recorded, tmp_path) -> None:
    target = tmp_path / "events.jsonl"
    args = ["--format", "jsonl", "--since", "2026-03-02", "--until", "2026-03-03"]
    result = _export(*args, "--output", str(target))
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source.ip"] for line in lines] == ["203.0.113.2"]


def test_it_writes_a_stix_bundle_that_stix2_parses(recorded, tmp_path) -> None:
    target = tmp_path / "bundle.json"
    result = _export("--owner", "song-hong-net", "--format", "stix", "--output", str(target))
    assert result.exit_code == 0, result.output
    bundle = stix2.parse(target.read_text(encoding="utf-8"))
    assert sum(obj.type == "observed-data" for obj in bundle.objects) == 3


def test_it_writes_a_misp_feed_directory(recorded, tmp_path) -> None:
    result = _export("--format", "misp", "--output", str(tmp_path / "feed"))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "feed" / "manifest.json").read_text())
    assert len(manifest) == 4  # three days of Song Hong Net, one of unattributed hosts
    assert (tmp_path / "feed" / "hashes.csv").exists()


def test_it_draws_progress_on_stderr_and_leaves_stdout_to_the_data(recorded, monkeypatch) -> None:
    monkeypatch.setattr(events_cli, "LARGE", 1)
    result = _export("--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert "4/4" in result.stderr
    assert all(json.loads(line) for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "--format: 'xml' is not one of csv, jsonl, misp, stix"),
        (["--owner", "nowhere"], "--owner: no organisation with the short name 'nowhere'"),
        (["--since", "last tuesday"], "--since: "),
        (["--until", "2026-02-30"], "--until: "),
        (["--format", "misp", "--output", "-"], "--output: a MISP feed is a directory"),
        (["--output", "/nonexistent-dir/x.csv"], "--output: cannot write"),
    ],
)
def test_it_names_the_option_it_cannot_use(recorded, args, message) -> None:
    result = _export(*args)
    assert result.exit_code == 1
    assert message in result.stderr
