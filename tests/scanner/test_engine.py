"""The file engine: one read, hashes + YARA + filename IOCs, allow-lists, archives."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from cleannet.scanner.engine import ScanLimits, scan_bytes, scan_file, scan_file_outcome
from cleannet.scanner.model import DetectionKind, UnscannedReason
from cleannet.scanner.signatures import SignatureSet


def zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def tar_gz(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def sigs(eicar_signatures: Path) -> SignatureSet:
    return SignatureSet.load([eicar_signatures])


def test_it_finds_eicar_by_hash_and_by_rule(sigs: SignatureSet, eicar_bytes: bytes) -> None:
    found = scan_bytes(eicar_bytes, "/tmp/eicar.com", sigs)
    assert {(d.detection, d.kind) for d in found} == {
        ("Eicar-Test-Signature", DetectionKind.HASH),
        ("EICAR by SHA-256", DetectionKind.HASH),
        ("EICAR_Test_File", DetectionKind.YARA),
    }
    assert {d.sha256 for d in found} == {hashlib.sha256(eicar_bytes).hexdigest()}


def test_eicar_with_trailing_whitespace_is_found_by_the_rule(
    sigs: SignatureSet, eicar_bytes: bytes
) -> None:
    found = scan_bytes(eicar_bytes + b" \r\n\t", "e.txt", sigs)
    assert [d.detection for d in found] == ["EICAR_Test_File"]


def test_a_clean_buffer_gives_nothing(sigs: SignatureSet) -> None:
    assert scan_bytes(b"nothing to see here" * 100, "/tmp/clean.txt", sigs) == []


def test_an_allow_listed_hash_silences_every_detection(
    eicar_signatures: Path, eicar_bytes: bytes
) -> None:
    md5 = hashlib.md5(eicar_bytes, usedforsecurity=False).hexdigest()
    (eicar_signatures / "local.fp").write_text(f"{md5}:{len(eicar_bytes)}:Known-Good\n")
    sigs = SignatureSet.load([eicar_signatures])
    assert scan_bytes(eicar_bytes, "e.com", sigs) == []


def test_eicar_is_found_inside_nested_zips_and_a_tar_gz(
    tmp_path: Path, sigs: SignatureSet, eicar_bytes: bytes
) -> None:
    nested = zipped("outer/inner.zip", zipped("deep/eicar.com", eicar_bytes))
    (tmp_path / "nested.zip").write_bytes(nested)
    (tmp_path / "e.tar.gz").write_bytes(tar_gz("dir/eicar.com", eicar_bytes))
    outcome = scan_file_outcome(str(tmp_path / "nested.zip"), sigs, ScanLimits())
    paths = {d.path for d in outcome.detections if d.kind is DetectionKind.HASH}
    assert paths == {f"{tmp_path}/nested.zip!outer/inner.zip!deep/eicar.com"}
    assert (outcome.files, outcome.archives, outcome.unscanned) == (3, 2, [])
    detections, unscanned, scanned = scan_file(tmp_path / "e.tar.gz", sigs)
    assert f"{tmp_path}/e.tar.gz!dir/eicar.com" in {d.path for d in detections}
    assert unscanned == [] and scanned > len(eicar_bytes)


def test_an_archive_too_deep_is_reported_unscanned_never_clean(
    tmp_path: Path, sigs: SignatureSet, eicar_bytes: bytes
) -> None:
    data = eicar_bytes
    for level in range(4):
        data = zipped(f"level{level}.zip" if level else "eicar.com", data)
    (tmp_path / "deep.zip").write_bytes(data)
    from cleannet.scanner.archive_limits import ArchiveLimits

    limits = ScanLimits(archive=ArchiveLimits(max_depth=2))
    outcome = scan_file_outcome(str(tmp_path / "deep.zip"), sigs, limits)
    assert [u.reason for u in outcome.unscanned] == [UnscannedReason.DEPTH_LIMIT]
    assert not any(d.kind is DetectionKind.HASH for d in outcome.detections)


def test_a_large_file_is_memory_mapped_and_still_scanned(
    tmp_path: Path, sigs: SignatureSet, eicar_bytes: bytes
) -> None:
    target = tmp_path / "big.bin"
    target.write_bytes(b"\0" * 4096 + eicar_bytes)
    outcome = scan_file_outcome(str(target), sigs, ScanLimits(mmap_from=1024))
    assert outcome.bytes == 4096 + len(eicar_bytes)
    assert outcome.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    # the rule wants filesize < 129, so nothing matches: the scan ran on the whole file
    assert outcome.detections == [] and outcome.unscanned == []


def test_a_file_above_the_size_limit_is_reported_too_large(
    tmp_path: Path, sigs: SignatureSet
) -> None:
    target = tmp_path / "big.bin"
    target.write_bytes(b"x" * 5000)
    outcome = scan_file_outcome(str(target), sigs, ScanLimits(max_file_bytes=100, mmap_from=100))
    assert [u.reason for u in outcome.unscanned] == [UnscannedReason.TOO_LARGE]


def test_an_unreadable_or_vanished_file_is_reported_not_raised(
    tmp_path: Path, sigs: SignatureSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = scan_file_outcome(str(tmp_path / "gone"), sigs, ScanLimits())
    assert [u.reason for u in missing.unscanned] == [UnscannedReason.NOT_FOUND]
    target = tmp_path / "locked"
    target.write_bytes(b"x")
    real_open = open

    def refusing_open(path: object, *args: object, **kwargs: object) -> object:
        if str(path) == str(target):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", refusing_open)
    locked = scan_file_outcome(str(target), sigs, ScanLimits())
    assert [u.reason for u in locked.unscanned] == [UnscannedReason.PERMISSION_DENIED]


def test_filename_iocs_apply_to_members_inside_archives(
    tmp_path: Path, eicar_signatures: Path
) -> None:
    (eicar_signatures / "filename-iocs.txt").write_text(
        "# Dropper name\n(?i)\\\\dropper\\.ps1;80\n"
    )
    sigs = SignatureSet.load([eicar_signatures])
    (tmp_path / "a.zip").write_bytes(zipped("x/Dropper.ps1", b"Write-Host hi"))
    detections, _, _ = scan_file(tmp_path / "a.zip", sigs)
    assert [(d.path.split("!")[1], d.detection, d.score) for d in detections] == [
        ("x/Dropper.ps1", "Dropper name", 80)
    ]
