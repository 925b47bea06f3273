"""``cleannet brands watch``: streams in, alert JSON lines out, bad lines on stderr.

The command is mounted on its own Typer app here, so that these tests do not depend on where
the root command places it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner
from websockets.sync.server import ServerConnection, serve

from cleannet.cli.brands_watch import watch

FIXTURES = Path(__file__).resolve().parents[1] / "engines" / "lookalike" / "fixtures"
CERTSTREAM = FIXTURES / "certstream-lite.jsonl"

app = typer.Typer()
app.command()(watch)
runner = CliRunner()


def run(*args: str, stdin: bytes | None = None) -> tuple[int, list[dict[str, object]], str]:
    result = runner.invoke(app, list(args), input=stdin, env={"COLUMNS": "400"})
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, alerts, result.stderr


def test_it_prints_the_alerts_of_a_certstream_file_in_order() -> None:
    code, alerts, _ = run(str(CERTSTREAM))
    assert code == 0
    assert [(alert["line"], alert["input"], alert["brand"]) for alert in alerts] == [
        (1, "vietcombank-xacthuc.com", "vietcombank"),
        (4, "xn--vietcombnk-z4a.vn", "vietcombank"),
        (10, "dangnhap-vietcombank.vn.com", "vietcombank"),
        (10, "mbbank-hotro.id.vn", "mbbank"),
        (11, "evn-cskh.online", "evn"),
        (11, "www.evn-cskh.online", "evn"),
    ]
    first = alerts[0]
    assert set(first) == {"input", "brand", "score", "verdict", "reasons", "source", "line"}
    assert first["verdict"] == "alert"
    assert first["source"] == "certstream"


def test_it_reports_bad_lines_on_stderr_with_a_summary() -> None:
    _, _, stderr = run(str(CERTSTREAM))
    assert "line 5: is not valid JSON" in stderr
    assert "line 7: name 'Bad Name With Spaces'" in stderr
    assert "line 8: message certificate_update has no 'data.leaf_cert' object" in stderr
    assert "10 read, 10 names (" in stderr
    assert "6 alerts, 0 repeats, 1 heartbeats, 5 refused, 4 duplicates." in stderr


def test_it_reads_a_domain_list_on_stdin() -> None:
    data = (FIXTURES / "nrd-2026-03-04.txt").read_bytes()
    code, alerts, stderr = run("-", "--format", "list", stdin=data)
    assert code == 0
    assert [alert["input"] for alert in alerts] == [
        "vietcombank-hotro.com",
        "vietinbank-khuyenmai.net",
        "mbbank-xacminh.id.vn",
        "tpbank-ebank.xyz",
    ]
    assert {alert["source"] for alert in alerts} == {"nrd"}
    assert "line 12: is not valid UTF-8 at byte 3 (mixed encodings?)" in stderr


def test_it_scores_report_urls_with_their_path() -> None:
    path = FIXTURES / "urls-report.txt"
    code, alerts, stderr = run(str(path), "--format", "urls", "--source", "report")
    assert code == 0
    assert [alert["input"] for alert in alerts][:2] == [
        "https://vietcombank-xacthuc.com/dang-nhap?ref=sms",
        "http://vcb-digibank.info/login.php",
    ]
    assert {alert["source"] for alert in alerts} == {"report"}
    assert "line 6: URL: has no host" in stderr


def test_it_scores_a_repeated_name_once(tmp_path: Path) -> None:
    line = CERTSTREAM.read_text().splitlines()[0]
    path = tmp_path / "twice.jsonl"
    path.write_text(line + "\n" + line + "\n")
    _, alerts, stderr = run(str(path))
    assert len(alerts) == 1
    assert "1 repeats" in stderr


def test_it_stops_after_max_messages() -> None:
    _, alerts, stderr = run(str(CERTSTREAM), "--max-messages", "4")
    assert [alert["line"] for alert in alerts] == [1, 4]
    assert "4 read," in stderr


def test_it_uses_the_brands_and_threshold_it_is_given(tmp_path: Path) -> None:
    brands = tmp_path / "brands.csv"
    brands.write_text("brand,name,official_domains,keywords\nevn,EVN,evn.com.vn,evn\n")
    _, alerts, _ = run(str(CERTSTREAM), "--brands", str(brands), "--threshold", "75")
    assert {alert["brand"] for alert in alerts} == {"evn"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ws://127.0.0.1:9/", "--format", "list"], "A websocket source speaks certstream"),
        ([str(FIXTURES / "missing.jsonl")], "is not a file"),
        ([str(CERTSTREAM), "--source", "gossip"], "--source 'gossip'"),
    ],
)
def test_it_refuses_bad_arguments_with_exit_status_2(args: list[str], message: str) -> None:
    code, _, stderr = run(*args)
    assert code == 2
    assert message in stderr


@pytest.fixture
def certstream_server() -> Iterator[str]:
    """A certstream server on loopback: a heartbeat, two certificates, a broken message."""
    lines = CERTSTREAM.read_text().splitlines()

    def handler(connection: ServerConnection) -> None:
        for message in [lines[1], lines[0], "{broken", lines[9]]:
            connection.send(message)
        connection.recv()  # until the client leaves

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"ws://127.0.0.1:{server.socket.getsockname()[1]}/"
        server.shutdown()
        thread.join(5)


def test_it_watches_a_certstream_websocket(certstream_server: str) -> None:
    code, alerts, stderr = run(certstream_server, "--max-messages", "4")
    assert code == 0
    assert [(alert["line"], alert["input"]) for alert in alerts] == [
        (2, "vietcombank-xacthuc.com"),
        (4, "dangnhap-vietcombank.vn.com"),
        (4, "mbbank-hotro.id.vn"),
    ]
    assert "line 3: is not valid JSON" in stderr
    assert "1 heartbeats" in stderr


@pytest.mark.django_db
def test_it_hands_the_alerts_to_the_server_with_store() -> None:
    from cleannet.server.accounts import services as accounts
    from cleannet.server.accounts.roles import OrganisationKind
    from cleannet.server.brands import services
    from cleannet.server.brands.models import LookalikeAlert

    bank = accounts.create_organisation(None, "Vietcombank", OrganisationKind.BANK)
    services.register_brand(
        None, bank, "vietcombank", "Vietcombank", "vietcombank", ["vietcombank.com.vn"]
    )
    code, alerts, _ = run(str(CERTSTREAM), "--store")
    assert code == 0
    assert len(alerts) == 6
    stored = LookalikeAlert.objects.order_by("host").values_list("host", "source")
    assert list(stored) == [
        ("dangnhap-vietcombank.vn.com", "certstream"),
        ("vietcombank-xacthuc.com", "certstream"),
        ("xn--vietcombnk-z4a.vn", "certstream"),
    ]
