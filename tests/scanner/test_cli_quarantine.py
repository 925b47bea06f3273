"""cleannet-scan manages its quarantine: list, restore (verified, asked, never clobbering)
and purge, through ``main([...])`` and once through the console script."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from cleannet.scanner.cli import main
from cleannet.scanner.quarantine import Quarantine, QuarantineEntry

SCRIPT = Path(sys.executable).with_name("cleannet-scan")
MTIME_NS = 1_600_000_000_123_456_789


@dataclass
class Quarantined:
    store: Path
    original: Path
    content: bytes
    entry: QuarantineEntry

    @property
    def name(self) -> str:
        return str(self.entry.detection["detection"])


class Terminal(io.StringIO):
    """A stdin that is a terminal and answers what it was given."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def private_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the default cache, bundle and quarantine folders out of the home folder; no
    terminal unless a test gives one."""
    monkeypatch.setattr("cleannet.scanner.cli_setup.DEFAULT_CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr("cleannet.scanner.cli_setup.DEFAULT_DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def quarantined(tmp_path: Path, eicar_bytes: bytes, eicar_signatures: Path) -> Quarantined:
    """A generated EICAR file (mode 0640, a fixed mtime) quarantined by a scan."""
    original = tmp_path / "home" / "eicar.com"
    original.parent.mkdir()
    original.write_bytes(eicar_bytes)
    original.chmod(0o640)
    os.utime(original, ns=(MTIME_NS, MTIME_NS))
    store = tmp_path / "quarantine"
    code = main([str(original), "--signatures", str(eicar_signatures), "--quarantine",
                 "--quarantine-dir", str(store), "--no-progress", "--workers", "1"])  # fmt: skip
    assert code == 1 and not original.exists()
    (entry,) = Quarantine(store).list()
    return Quarantined(store, original, eicar_bytes, entry)


def manage(q: Quarantined, *args: str | Path) -> int:
    return main([*(str(a) for a in args), "--quarantine-dir", str(q.store), "--lang", "en"])


def assert_restored(path: Path, q: Quarantined) -> None:
    assert path.read_bytes() == q.content
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_mtime_ns == MTIME_NS


# --list-quarantine


def test_it_lists_the_quarantined_file_as_a_table(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert manage(quarantined, "--list-quarantine") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["ID", "Quarantined", "at"] and "Original path" in lines[0]
    row = lines[1]
    entry = quarantined.entry
    for value in (entry.id, entry.sha256, quarantined.name, str(quarantined.original)):
        assert value in row
    assert "68 bytes" in row and entry.quarantined_at[:10] in row
    assert row.endswith(str(quarantined.original))
    assert lines[2] == f"Files in the quarantine {quarantined.store}: 1."


def test_the_listing_speaks_vietnamese_when_asked(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["--list-quarantine", "--quarantine-dir", str(quarantined.store), "--lang", "vi"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Đường dẫn gốc" in out and "Số tệp trong kho cách ly" in out
    assert "Original path" not in out


def test_it_writes_the_listing_as_json_without_the_encoding_key(
    quarantined: Quarantined, tmp_path: Path
) -> None:
    target = tmp_path / "listing.json"
    assert manage(quarantined, "--list-quarantine", "--json", target) == 0
    document = json.loads(target.read_text())
    assert document["schema_version"] == 1 and document["problems"] == []
    assert document["quarantine_dir"] == str(quarantined.store)
    (entry,) = document["entries"]
    assert entry["id"] == quarantined.entry.id
    assert entry["original_path"] == str(quarantined.original)
    assert entry["detection"] == quarantined.name and entry["kind"] == "hash"
    assert entry["size"] == 68 and entry["sha256"] == quarantined.entry.sha256
    assert entry["mode"] == "0640" and entry["mtime"] == "2020-09-13T12:26:40+00:00"
    assert "key" not in entry and "nonce" not in entry


def test_an_empty_store_is_listed_as_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "nothing-here"
    assert main(["--list-quarantine", "--quarantine-dir", str(store), "--lang", "en"]) == 0
    assert capsys.readouterr().out == f"The quarantine {store} holds no files.\n"


def test_an_unreadable_manifest_is_named_and_the_listing_exits_2(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = "f" * 32
    (quarantined.store / f"{broken}.json").write_text("{not json")
    capsys.readouterr()
    assert manage(quarantined, "--list-quarantine") == 2
    captured = capsys.readouterr()
    assert quarantined.entry.id in captured.out
    assert f"Unreadable entry, left as it is: entry {broken}: unreadable manifest" in captured.err


# --restore


def test_it_restores_the_file_to_its_place_with_mode_and_mtime(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manage(quarantined, "--restore", quarantined.entry.id, "--yes") == 0
    assert_restored(quarantined.original, quarantined)
    assert Quarantine(quarantined.store).list() == []
    assert f"restored to {quarantined.original}" in capsys.readouterr().out


def test_it_restores_to_another_path_or_into_a_folder(
    quarantined: Quarantined, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert manage(quarantined, "--restore", quarantined.entry.id, "--yes", "--to", elsewhere) == 0
    assert_restored(elsewhere / "eicar.com", quarantined)
    assert not quarantined.original.exists()


def test_it_restores_to_a_named_file(quarantined: Quarantined, tmp_path: Path) -> None:
    target = tmp_path / "sample.bin"
    assert manage(quarantined, "--restore", quarantined.entry.id, "--yes", "--to", target) == 0
    assert_restored(target, quarantined)


def test_it_refuses_to_overwrite_unless_asked(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    quarantined.original.write_text("a new file the user made meanwhile")
    entry_id = quarantined.entry.id
    assert manage(quarantined, "--restore", entry_id, "--yes") == 2
    assert quarantined.original.read_text() == "a new file the user made meanwhile"
    assert (
        f"Entry {entry_id} not restored: {quarantined.original} already exists "
        "(add --overwrite to replace it)" in capsys.readouterr().err
    )
    assert len(Quarantine(quarantined.store).list()) == 1
    assert manage(quarantined, "--restore", entry_id, "--yes", "--overwrite") == 0
    assert_restored(quarantined.original, quarantined)


def test_without_a_terminal_and_without_yes_nothing_is_restored(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manage(quarantined, "--restore", quarantined.entry.id) == 2
    assert not quarantined.original.exists()
    assert "nobody can confirm here (add --yes)" in capsys.readouterr().err
    assert len(Quarantine(quarantined.store).list()) == 1


@pytest.mark.parametrize(("answer", "code"), [("y\n", 0), ("n\n", 2), ("\n", 2)])
def test_on_a_terminal_it_asks_before_restoring(
    quarantined: Quarantined,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    code: int,
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    assert manage(quarantined, "--restore", quarantined.entry.id) == code
    err = capsys.readouterr().err
    assert f"Restore {quarantined.original} (detected as {quarantined.name})? [y/N] " in err
    assert quarantined.original.exists() is (code == 0)
    if code:
        assert "you answered no" in err


def test_a_wrong_id_is_refused_with_the_reason(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = "0" * 32
    assert manage(quarantined, "--restore", missing, "--yes") == 2
    assert f"Entry {missing} not restored: not in {quarantined.store}" in capsys.readouterr().err
    assert manage(quarantined, "--restore", "../../etc/passwd", "--yes") == 2
    assert "not a quarantine entry id (32 hex)" in capsys.readouterr().err


def _swap_stored_content(q: Quarantined, content: bytes) -> None:
    """Replace the encoded copy with a well-formed encoding of other content."""
    manifest = json.loads((q.store / f"{q.entry.id}.json").read_text())
    aes = algorithms.AES(bytes.fromhex(manifest["key"]))
    encryptor = Cipher(aes, modes.CTR(bytes.fromhex(manifest["nonce"]))).encryptor()
    body = encryptor.update(zlib.compress(content)) + encryptor.finalize()
    (q.store / f"{q.entry.id}.bin").write_bytes(b"CNQ1\n" + body)


def test_a_tampered_entry_is_not_restored(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    _swap_stored_content(quarantined, b"#!/bin/sh\necho something else entirely\n")
    assert manage(quarantined, "--restore", quarantined.entry.id, "--yes") == 2
    err = capsys.readouterr().err
    assert f"Entry {quarantined.entry.id} not restored: stored copy damaged (SHA-256" in err
    assert not quarantined.original.exists()
    assert list(quarantined.original.parent.iterdir()) == []  # no partial file left
    assert len(Quarantine(quarantined.store).list()) == 1


def test_a_corrupted_entry_is_not_restored(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = quarantined.store / f"{quarantined.entry.id}.bin"
    data = bytearray(binary.read_bytes())
    data[8] ^= 0xFF
    binary.write_bytes(bytes(data))
    assert manage(quarantined, "--restore", quarantined.entry.id, "--yes") == 2
    assert "not restored: stored copy" in capsys.readouterr().err
    assert list(quarantined.original.parent.iterdir()) == []


# --purge-quarantine


def test_purge_deletes_the_entry_for_good(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manage(quarantined, "--purge-quarantine", quarantined.entry.id, "--yes") == 0
    assert list(quarantined.store.iterdir()) == []
    assert f"({quarantined.original}) deleted for good" in capsys.readouterr().out
    assert not quarantined.original.exists()


def test_purge_asks_on_a_terminal_and_keeps_the_entry_on_no(
    quarantined: Quarantined, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    assert manage(quarantined, "--purge-quarantine", quarantined.entry.id) == 2
    err = capsys.readouterr().err
    assert f"Delete {quarantined.original} (detected as {quarantined.name})" in err
    assert len(Quarantine(quarantined.store).list()) == 1


def test_purge_without_a_terminal_and_without_yes_is_refused(quarantined: Quarantined) -> None:
    assert manage(quarantined, "--purge-quarantine", quarantined.entry.id) == 2
    assert len(Quarantine(quarantined.store).list()) == 1


def test_purge_removes_an_entry_whose_manifest_is_damaged(quarantined: Quarantined) -> None:
    (quarantined.store / f"{quarantined.entry.id}.json").write_text("{damaged")
    assert manage(quarantined, "--purge-quarantine", quarantined.entry.id, "--yes") == 0
    assert list(quarantined.store.iterdir()) == []


def test_purge_of_a_wrong_id_is_refused(
    quarantined: Quarantined, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manage(quarantined, "--purge-quarantine", "1" * 32, "--yes") == 2
    assert f"Entry {'1' * 32} not deleted: not in" in capsys.readouterr().err


# Options


@pytest.mark.parametrize(
    "argv",
    [
        ["--restore", "a" * 32, "/tmp"],
        ["--restore", "a" * 32, "--purge-quarantine", "a" * 32],
        ["--list-quarantine", "--quarantine"],
        ["--list-quarantine", "--yes"],
        ["--restore", "a" * 32, "--json", "x.json"],
        ["/tmp", "--to", "/tmp/x"],
        ["/tmp", "--overwrite"],
    ],
)
def test_it_refuses_options_that_do_not_go_together(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2


# The console script


def test_the_console_script_lists_restores_and_refuses_without_yes(
    quarantined: Quarantined,
) -> None:
    def script(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 — our own console script
            [str(SCRIPT), *args, "--quarantine-dir", str(quarantined.store), "--lang", "en"],
            capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    listed = script("--list-quarantine")
    assert listed.returncode == 0 and quarantined.entry.id in listed.stdout
    refused = script("--restore", quarantined.entry.id)
    assert refused.returncode == 2 and "nobody can confirm" in refused.stderr
    assert not quarantined.original.exists()
    restored = script("--restore", quarantined.entry.id, "--yes")
    assert restored.returncode == 0, restored.stderr
    assert_restored(quarantined.original, quarantined)
