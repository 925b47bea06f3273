"""Running a registry feed: download (conditional) or drop directory, then one feed run."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from huey.contrib.djhuey import HUEY
from typer.testing import CliRunner

from cleannet.cli import app
from cleannet.core.errors import ConfigurationError
from cleannet.engines.feeds.registry import DEFAULT_REGISTRY, Registry, RegistryError, load_registry
from cleannet.server.accounts.models import AuditEntry
from cleannet.server.config import load_config
from cleannet.server.intel.feed_runner import FeedBusy, feed_lock_name, run_feed
from cleannet.server.intel.models import Feed, FeedRun
from cleannet.server.networks.index import forget_prefix_indexes

pytestmark = pytest.mark.django_db

DEMO_LIST = DEFAULT_REGISTRY.parent / "demo" / "demo-c2-blocklist.csv"
SINKHOLE = Path(__file__).parent / "fixtures" / "2026-03-04-event4_sinkhole-songhong-asn.csv"


@dataclass
class ListServer:
    """A loopback feed server: one file with an ETag, answering 304 to that ETag."""

    port: int = 0
    body: bytes = b""
    status: int = 200
    asked: list[dict[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/downloads/ipblocklist.csv"


def _handler(server: ListServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.asked.append({k.lower(): v for k, v in self.headers.items()})
            etag = f'"{len(server.body)}"'
            if server.status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(server.status)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(server.body)))
            self.end_headers()
            self.wfile.write(server.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def list_server() -> Iterator[ListServer]:
    server = ListServer(body=DEMO_LIST.read_bytes())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def _feed_settings(settings: Any, tmp_path: Path) -> None:
    forget_prefix_indexes()
    settings.VAR_DIR = tmp_path / "var"
    settings.CLEANNET_FETCH_ALLOW_PRIVATE = True  # the feed server is on loopback


def _registry(tmp_path: Path, **location: str) -> Registry:
    where = "".join(f'{key} = "{value}"\n' for key, value in location.items())
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[feed]]\nname = "partner-c2"\nprovider = "Partner CERT"\nformat = "feodo"\n'
        f'{where}schedule = "*/15 * * * *"\ntlp = "AMBER"\naccuracy = 80\n'
        'classification_type = "c2-server"\ndocumentation = "https://partner.example/"\n',
        encoding="utf-8",
    )
    return load_registry(path)


def _drop_registry(tmp_path: Path) -> tuple[Registry, Path]:
    drop = tmp_path / "drop"
    drop.mkdir()
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[feed]]\nname = "shadowserver"\nprovider = "Shadowserver"\nformat = "shadowserver"\n'
        'path = "drop"\nschedule = "manual"\ntlp = "AMBER"\naccuracy = 100\n'
        'documentation = "https://www.shadowserver.org/"\n',
        encoding="utf-8",
    )
    return load_registry(path), drop


def _counts(run: FeedRun) -> tuple[str, int, int, int, int]:
    return (run.status, run.read, run.accepted, run.rejected, run.duplicates)


# --- URL feeds -------------------------------------------------------------------------


def test_it_downloads_a_url_feed_and_ingests_it_as_one_run(
    list_server: ListServer, tmp_path: Path
) -> None:
    registry = _registry(tmp_path, url=list_server.url)

    run = run_feed("partner-c2", registry=registry)

    assert _counts(run) == ("succeeded", 8, 8, 0, 0)
    feed = Feed.objects.get(name="partner-c2")
    assert run.feed == feed
    assert (feed.url, feed.accuracy, feed.tlp) == (list_server.url, 80, "AMBER")
    assert feed.event_set.filter(source_ip="192.0.2.10", data__tlp="AMBER").exists()


def test_it_sends_the_stored_etag_and_records_an_empty_run_when_not_modified(
    list_server: ListServer, tmp_path: Path
) -> None:
    registry = _registry(tmp_path, url=list_server.url)
    run_feed("partner-c2", registry=registry)

    again = run_feed("partner-c2", registry=registry)

    assert _counts(again) == ("succeeded", 0, 0, 0, 0)
    assert "Not modified" in again.note
    assert list_server.asked[1]["if-none-match"] == f'"{len(list_server.body)}"'
    assert FeedRun.objects.filter(feed__name="partner-c2").count() == 2


def test_it_records_a_failed_download_and_keeps_no_validators(
    list_server: ListServer, tmp_path: Path
) -> None:
    registry = _registry(tmp_path, url=list_server.url)
    list_server.status = 503

    failed = run_feed("partner-c2", registry=registry)
    list_server.status = 200
    succeeded = run_feed("partner-c2", registry=registry)

    assert failed.status == "failed"
    assert "answered HTTP 503" in failed.error
    assert "if-none-match" not in list_server.asked[1]
    assert succeeded.accepted == 8


def test_it_refuses_a_loopback_url_unless_private_addresses_are_allowed(
    list_server: ListServer, settings: Any, tmp_path: Path
) -> None:
    settings.CLEANNET_FETCH_ALLOW_PRIVATE = False

    run = run_feed("partner-c2", registry=_registry(tmp_path, url=list_server.url))

    assert run.status == "failed"
    assert "127.0.0.1 is loopback" in run.error
    assert list_server.asked == []


# --- Path feeds ------------------------------------------------------------------------


def test_it_ingests_each_new_file_of_a_drop_directory_once(tmp_path: Path) -> None:
    registry, drop = _drop_registry(tmp_path)
    shutil.copy(SINKHOLE, drop / SINKHOLE.name)
    (drop / ".2026-03-05-event4_sinkhole-x.csv.part").write_text("half a file")

    first = run_feed("shadowserver", registry=registry)
    second = run_feed("shadowserver", registry=registry)
    third_file = drop / "2026-03-05-event4_sinkhole-songhong-asn.csv"
    third_file.write_bytes(SINKHOLE.read_bytes().replace(b"2026-03-04", b"2026-03-05"))
    third = run_feed("shadowserver", registry=registry)

    assert (first.source_name, first.accepted) == (SINKHOLE.name, 9)
    assert _counts(second) == ("succeeded", 0, 0, 0, 0)
    assert second.note == "No new or changed file."
    assert third.source_name == third_file.name
    assert third.read == 15


def test_it_reads_a_single_file_feed_again_only_when_it_changes(tmp_path: Path) -> None:
    copy = tmp_path / "c2.csv"
    shutil.copy(DEMO_LIST, copy)
    registry = _registry(tmp_path, path="c2.csv")

    first = run_feed("partner-c2", registry=registry)
    unchanged = run_feed("partner-c2", registry=registry)
    copy.write_bytes(DEMO_LIST.read_bytes() + b'"2026-03-01 00:00:00","192.0.2.99","80","","",""\n')
    changed = run_feed("partner-c2", registry=registry)

    assert first.accepted == 8
    assert unchanged.read == 0
    assert (changed.read, changed.accepted, changed.duplicates) == (9, 1, 8)  # 8 already stored


def test_it_records_a_failed_run_for_a_path_that_does_not_exist(tmp_path: Path) -> None:
    run = run_feed("partner-c2", registry=_registry(tmp_path, path="nowhere"))

    assert run.status == "failed"
    assert run.error == f"{tmp_path.resolve() / 'nowhere'} does not exist"


def test_it_runs_the_packaged_demo_feed() -> None:
    run = run_feed("demo-c2-blocklist")

    assert _counts(run) == ("succeeded", 8, 8, 0, 0)
    assert Feed.objects.get(name="demo-c2-blocklist").provider == "CleanNet demo"


# --- One at a time, by name --------------------------------------------------------------


def test_it_refuses_to_start_a_feed_that_is_running(tmp_path: Path) -> None:
    registry = _registry(tmp_path, path="nowhere")

    with HUEY.lock_task(feed_lock_name("partner-c2")), pytest.raises(FeedBusy):
        run_feed("partner-c2", registry=registry)
    assert not FeedRun.objects.exists()


def test_it_names_a_feed_the_registry_does_not_have() -> None:
    with pytest.raises(RegistryError, match="feed 'nope': is not in the registry"):
        run_feed("nope")


def test_it_audits_the_runs_it_records_without_rows(tmp_path: Path) -> None:
    run = run_feed("partner-c2", registry=_registry(tmp_path, path="nowhere"))

    assert AuditEntry.objects.filter(action="feed_run.fetch", object_id=str(run.pk)).exists()


# --- The settings the runner reads (``cleannet.server.config``) ---------------------------

BASE_ENV = {"CLEANNET_DEBUG": "1"}


def test_its_settings_default_to_refusing_private_addresses() -> None:
    config = load_config(BASE_ENV)

    assert config.fetch_allow_private is False
    assert config.fetch_allow_networks == ()
    assert (config.fetch_timeout, config.fetch_max_bytes) == (60.0, 256 * 1024 * 1024)
    assert config.feed_registry is None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("CLEANNET_FETCH_TIMEOUT", "soon", "CLEANNET_FETCH_TIMEOUT: 'soon' is not a number"),
        ("CLEANNET_FETCH_TIMEOUT", "-1", "must be a positive number"),
        ("CLEANNET_FETCH_MAX_BYTES", "1.5", "'1.5' is not a whole number"),
        ("CLEANNET_FETCH_ALLOW_NETWORKS", "10.0.0.300/32", "is not an IP network"),
        ("CLEANNET_FEED_REGISTRY", "/nowhere/feeds.toml", "is not a file"),
    ],
)
def test_its_settings_refuse_a_bad_value_naming_the_key(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_config({**BASE_ENV, key: value})


def test_its_settings_read_a_registry_file_and_allowed_networks(tmp_path: Path) -> None:
    registry = tmp_path / "feeds.toml"
    registry.write_text("", encoding="utf-8")
    env = {"CLEANNET_FEED_REGISTRY": str(registry), "CLEANNET_FETCH_ALLOW_NETWORKS": "10.2.0.5/32"}

    config = load_config({**BASE_ENV, **env})

    assert config.feed_registry == registry.resolve()
    assert config.fetch_allow_networks == ("10.2.0.5/32",)


# --- cleannet feeds run -------------------------------------------------------------------


def test_the_command_runs_a_feed_and_ends_with_the_counts_as_json() -> None:
    result = CliRunner().invoke(app, ["feeds", "run", "demo-c2-blocklist", "--json"])

    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert json.loads(last) == {"read": 8, "accepted": 8, "rejected": 0, "duplicates": 0}


def test_the_command_names_a_feed_the_registry_does_not_have() -> None:
    result = CliRunner().invoke(app, ["feeds", "run", "nope"])

    assert result.exit_code == 2
    assert "is not in the registry" in result.output


def test_the_command_fails_for_a_feed_that_is_running() -> None:
    with HUEY.lock_task(feed_lock_name("demo-c2-blocklist")):
        result = CliRunner().invoke(app, ["feeds", "run", "demo-c2-blocklist"])

    assert result.exit_code == 1
    assert "is already running" in result.output
