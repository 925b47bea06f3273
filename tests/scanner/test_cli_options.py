"""cleannet-scan's options around the scan: the national key, --yes, report upload options,
persistence through the file engine, and a quarantine store that is never scanned."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from cleannet.scanner import cli_setup
from cleannet.scanner.cli import main
from cleannet.scanner.system import persistence
from cleannet.scanner.walker import FileTask, walk


@pytest.fixture(autouse=True)
def private_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cleannet.scanner.cli_setup.DEFAULT_CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr("cleannet.scanner.cli_setup.DEFAULT_DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(cli_setup, "PACKAGED_PUBLIC_KEY", tmp_path / "no-key.pem")


def _parse(*argv: str) -> argparse.Namespace:
    parser = cli_setup.build_parser()
    args = parser.parse_args(argv)
    cli_setup.check_arguments(parser, args)
    return args


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        _parse(*argv)
    assert stopped.value.code == 2
    return capsys.readouterr().err


def test_it_refuses_a_bundle_url_without_a_key(capsys) -> None:
    error = _refused(capsys, "/tmp", "--bundle-url", "https://hub.example/scanner/bundles/latest")
    assert "--bundle-url needs --public-key" in error and "ships" in error


def test_it_uses_the_packaged_national_key_when_a_release_ships_one(tmp_path, monkeypatch) -> None:
    key = tmp_path / "national-public-key.pem"
    key.write_text("-----BEGIN PUBLIC KEY-----\n")
    monkeypatch.setattr(cli_setup, "PACKAGED_PUBLIC_KEY", key)
    args = _parse("/tmp", "--bundle-url", "https://hub.example/scanner/bundles/latest")
    assert args.public_key == key
    assert _parse("/tmp", "--public-key", str(tmp_path / "mine.pem")).public_key.name == "mine.pem"


def test_the_key_folder_says_what_to_put_there_and_holds_no_private_key() -> None:
    folder = Path(cli_setup.__file__).parent / "data"
    assert "Replace with the authority's key at release" in (folder / "README.txt").read_text()
    for item in folder.iterdir():
        assert b"PRIVATE KEY" not in item.read_bytes()


def test_yes_goes_only_with_an_action_that_asks(capsys) -> None:
    assert "--yes only goes with" in _refused(capsys, "/tmp", "--yes")
    assert _parse("/tmp", "--end-processes", "--yes").yes


def test_ending_processes_implies_scanning_them() -> None:
    assert _parse("--end-processes").processes is True


def test_upload_options_are_checked_before_the_scan(capsys) -> None:
    assert "--upload-paths only goes" in _refused(capsys, "/tmp", "--upload-paths")
    assert "needs a URL" in _refused(capsys, "/tmp", "--upload-report")
    assert "http" in _refused(capsys, "/tmp", "--upload-report", "ftp://hub.example")


def test_the_upload_goes_to_the_hub_of_the_bundle_url(tmp_path) -> None:
    args = _parse(
        "/tmp", "--upload-report", "--public-key", str(tmp_path / "k.pem"),
        "--bundle-url", "https://hub.example/scanner/bundles/latest",
    )  # fmt: skip
    assert args.upload_report == "https://hub.example/scanner/reports"


def test_the_language_comes_from_the_locale_unless_given(monkeypatch) -> None:
    monkeypatch.setenv("LC_ALL", "vi_VN.UTF-8")
    assert _parse("/tmp").lang == "vi"
    assert _parse("/tmp", "--lang", "en").lang == "en"


def test_the_walk_skips_the_quarantine_store_also_through_a_link(tmp_path) -> None:
    root = tmp_path / "scan"
    store = root / "store"
    store.mkdir(parents=True)
    (store / "entry.bin").write_bytes(b"encoded")
    (root / "a.txt").write_text("a")
    (root / "link").symlink_to(store)
    found = [item.path for item in walk([root], skip=[store]) if isinstance(item, FileTask)]
    assert found == [str(root / "a.txt")]


def test_a_second_scan_does_not_scan_the_quarantine_inside_the_scanned_folder(
    tmp_path, eicar_bytes, eicar_signatures
) -> None:
    root = tmp_path / "home"
    root.mkdir()
    (root / "eicar.com").write_bytes(eicar_bytes)
    store, report = root / ".quarantine", tmp_path / "r.json"
    common = ["--signatures", str(eicar_signatures), "--quarantine-dir", str(store)]
    common += ["--json", str(report), "--no-progress", "--workers", "1"]
    assert main([str(root), "--quarantine", *common]) == 1
    assert any(store.iterdir())
    assert main([str(root), *common]) == 0
    assert json.loads(report.read_text())["totals"]["files"] == 0


def test_persistence_scans_what_an_entry_starts_with_the_file_engine(
    tmp_path, eicar_bytes, eicar_signatures, monkeypatch
) -> None:
    system = tmp_path / "system"
    (system / "etc").mkdir(parents=True)
    dropped = tmp_path / "dropped" / "update.sh"
    dropped.parent.mkdir()
    dropped.write_bytes(eicar_bytes)
    (system / "etc" / "crontab").write_text(f"*/5 * * * * root {dropped} --quiet\n")
    home = tmp_path / "home"
    home.mkdir()
    real_places = persistence.Places
    monkeypatch.setattr(persistence, "Places", lambda: real_places(root=system, homes=(home,)))
    report = tmp_path / "r.json"
    code = main(["--persistence", "--signatures", str(eicar_signatures), "--json", str(report)])
    assert code == 1
    detections = json.loads(report.read_text())["detections"]
    assert {d["kind"] for d in detections} >= {"persistence", "hash"}
    assert any(d["path"] == f"{system}/etc/crontab:1" for d in detections)
