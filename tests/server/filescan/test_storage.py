"""Samples on disk: by SHA-256, mode 0600, written whole or not at all, limit while reading."""

from __future__ import annotations

import hashlib
import stat

import pytest

from cleannet.server.filescan.signatures import ScannerUnavailable, signature_source
from cleannet.server.filescan.slots import ScannerBusy, scan_slot
from cleannet.server.filescan.storage import (
    SampleSink,
    SampleTooLarge,
    keep_sample,
    sample_path,
    sink_stream,
)


def test_it_stores_a_sample_by_sha256_without_execute_bits(tmp_path):
    intake = sink_stream(tmp_path, 1000, [b"abc", b"def"])
    path = keep_sample(tmp_path, intake)

    digest = hashlib.sha256(b"abcdef").hexdigest()
    assert path == tmp_path / "samples" / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == b"abcdef"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (intake.size, intake.md5) == (6, hashlib.md5(b"abcdef").hexdigest())  # noqa: S324
    assert intake.sha1 == hashlib.sha1(b"abcdef").hexdigest()  # noqa: S324
    assert not intake.temp_path.exists()


def test_a_second_copy_of_the_same_content_replaces_nothing(tmp_path):
    first = keep_sample(tmp_path, sink_stream(tmp_path, 100, [b"same"]))
    second_intake = sink_stream(tmp_path, 100, [b"same"])
    second = keep_sample(tmp_path, second_intake)

    assert first == second
    assert not second_intake.temp_path.exists()


def test_the_size_limit_holds_while_reading_and_leaves_nothing(tmp_path):
    sink = SampleSink(tmp_path, 10)
    sink.write(b"12345")
    with pytest.raises(SampleTooLarge):
        sink.write(b"678901")
    assert list((tmp_path / "incoming").iterdir()) == []


def test_a_sample_path_needs_a_lower_case_sha256(tmp_path):
    with pytest.raises(ValueError, match="SHA-256"):
        sample_path(tmp_path, "../../etc/passwd")


def test_the_signature_version_follows_the_directory(tmp_path):
    (tmp_path / "hash-iocs.txt").write_text("x;y\n")
    before = signature_source(tmp_path).version
    (tmp_path / "more-hash-iocs.txt").write_text("z;w\n")
    assert signature_source(tmp_path).version != before
    (tmp_path / "VERSION").write_text("20260415.2\n")
    assert signature_source(tmp_path).version == "20260415.2"


def test_no_signatures_means_no_scanner(tmp_path):
    with pytest.raises(ScannerUnavailable):
        signature_source(None)
    with pytest.raises(ScannerUnavailable):
        signature_source(tmp_path)


def test_scans_beyond_the_slots_wait_then_are_refused(tmp_path):
    with scan_slot(tmp_path, 1, 0), pytest.raises(ScannerBusy), scan_slot(tmp_path, 1, 0.2):
        pass
    with scan_slot(tmp_path, 1, 0) as number:
        assert number == 0
