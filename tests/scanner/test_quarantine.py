"""Quarantine: encoded, recorded, restorable; never half-done."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from cleannet.scanner.model import Detection, DetectionKind
from cleannet.scanner.quarantine import Quarantine, QuarantineError, delete_file

# A marker that stands in for a detected file; any content works for the store.
CONTENT = b"#!/bin/sh\necho cleannet-quarantine-test-marker\n" * 50


def _detection(path: Path, content: bytes = CONTENT) -> Detection:
    return Detection(
        path=str(path),
        detection="CleanNet.Test.Marker",
        kind=DetectionKind.HASH,
        sha256=hashlib.sha256(content).hexdigest(),
    )


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "home" / "dropper.sh"
    path.parent.mkdir()
    path.write_bytes(CONTENT)
    path.chmod(0o755)
    os.utime(path, ns=(1_600_000_000_123_456_789, 1_600_000_000_123_456_789))
    return path


@pytest.fixture
def store(tmp_path: Path) -> Quarantine:
    return Quarantine(tmp_path / "quarantine")


def test_it_moves_the_file_into_an_encoded_private_store(store, victim) -> None:
    entry = store.put(victim, _detection(victim))
    assert not victim.exists()
    binary = store.directory / f"{entry.id}.bin"
    manifest = store.directory / f"{entry.id}.json"
    stored = binary.read_bytes()
    assert b"cleannet-quarantine-test-marker" not in stored
    assert b"#!/bin/sh" not in stored
    for path in (binary, manifest):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700


def test_it_records_where_the_file_came_from_and_why(store, victim) -> None:
    entry = store.put(victim, _detection(victim))
    assert entry.original_path == str(victim)
    assert entry.mode == 0o755
    assert entry.size == len(CONTENT)
    assert entry.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert entry.mtime_ns == 1_600_000_000_123_456_789
    assert entry.detection["detection"] == "CleanNet.Test.Marker"
    assert entry.detection["kind"] == "hash"
    assert [e.id for e in store.list()] == [entry.id]


def test_it_restores_content_mode_and_mtime_and_forgets_the_entry(store, victim) -> None:
    entry = store.put(victim, _detection(victim))
    assert store.restore(entry.id) == victim
    assert victim.read_bytes() == CONTENT
    info = victim.stat()
    assert stat.S_IMODE(info.st_mode) == 0o755
    assert info.st_mtime_ns == 1_600_000_000_123_456_789
    assert store.list() == []


def test_it_restores_elsewhere_and_keeps_the_entry_when_asked(store, victim, tmp_path) -> None:
    entry = store.put(victim, _detection(victim))
    copy = store.restore(entry.id, to=tmp_path / "copy.sh", keep=True)
    assert copy.read_bytes() == CONTENT
    assert [e.id for e in store.list()] == [entry.id]


def test_it_never_overwrites_an_existing_file_unless_asked(store, victim) -> None:
    entry = store.put(victim, _detection(victim))
    victim.write_bytes(b"a new file the user made since")
    with pytest.raises(QuarantineError, match="already there"):
        store.restore(entry.id)
    assert victim.read_bytes() == b"a new file the user made since"
    store.restore(entry.id, overwrite=True)
    assert victim.read_bytes() == CONTENT


def test_it_refuses_to_restore_a_damaged_copy(store, victim) -> None:
    entry = store.put(victim, _detection(victim))
    binary = store.directory / f"{entry.id}.bin"
    data = bytearray(binary.read_bytes())
    data[-1] ^= 0xFF
    binary.write_bytes(bytes(data))
    with pytest.raises(QuarantineError, match=entry.id):
        store.restore(entry.id)
    assert not victim.exists()
    assert [p.name for p in victim.parent.iterdir()] == []  # no temporary file left behind


def test_it_refuses_a_file_changed_since_the_scan(store, victim) -> None:
    detection = _detection(victim, b"what the scanner saw")
    with pytest.raises(QuarantineError, match="changed since it was scanned"):
        store.put(victim, detection)
    assert victim.read_bytes() == CONTENT
    assert list(store.directory.iterdir()) == []


def test_it_refuses_a_symlink_and_leaves_its_target_alone(store, victim, tmp_path) -> None:
    link = tmp_path / "link.sh"
    link.symlink_to(victim)
    with pytest.raises(QuarantineError, match="cannot open"):
        store.put(link, _detection(link))
    assert victim.exists() and link.is_symlink()


def test_it_undoes_the_copy_when_the_original_cannot_be_removed(store, victim) -> None:
    if os.geteuid() == 0:
        pytest.skip("root removes files from read-only directories")
    victim.parent.chmod(0o500)
    try:
        with pytest.raises(QuarantineError, match="cannot be removed"):
            store.put(victim, _detection(victim))
    finally:
        victim.parent.chmod(0o700)
    assert victim.read_bytes() == CONTENT
    assert store.list() == []


def test_it_deletes_an_entry_for_good(store, victim) -> None:
    entry = store.put(victim, _detection(victim))
    store.delete(entry.id)
    assert list(store.directory.iterdir()) == []
    with pytest.raises(QuarantineError, match="not in"):
        store.restore(entry.id)


@pytest.mark.parametrize("entry_id", ["../../etc/passwd", "ABC", "", "0" * 31])
def test_it_refuses_an_entry_id_that_is_not_one(store, entry_id) -> None:
    with pytest.raises(QuarantineError, match="not a quarantine entry id"):
        store.restore(entry_id)


def test_it_skips_an_unreadable_manifest_when_listing(store, victim) -> None:
    entry = store.put(victim, _detection(victim))
    (store.directory / ("f" * 32 + ".json")).write_text("{not json")
    assert [e.id for e in store.list()] == [entry.id]


def test_it_handles_an_empty_and_a_large_file(store, tmp_path) -> None:
    empty, large = tmp_path / "empty", tmp_path / "large.bin"
    empty.write_bytes(b"")
    payload = os.urandom(3 * 1024 * 1024 + 7)
    large.write_bytes(payload)
    first = store.put(empty, _detection(empty, b""))
    second = store.put(large, _detection(large, payload))
    store.restore(first.id)
    store.restore(second.id)
    assert empty.read_bytes() == b""
    assert large.read_bytes() == payload


def test_it_deletes_a_file_or_a_symlink_but_not_a_directory(tmp_path, victim) -> None:
    link = tmp_path / "link"
    link.symlink_to(victim)
    delete_file(link)
    assert victim.exists() and not link.is_symlink()
    delete_file(victim)
    assert not victim.exists()
    with pytest.raises(QuarantineError, match="not a regular file"):
        delete_file(tmp_path)
    with pytest.raises(QuarantineError, match="cannot delete"):
        delete_file(tmp_path / "missing")
