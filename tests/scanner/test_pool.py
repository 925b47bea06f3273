"""Worker processes: same results as one process, batches, a dying worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannet.scanner import pool
from cleannet.scanner.engine import FileOutcome, ScanLimits
from cleannet.scanner.model import UnscannedReason
from cleannet.scanner.pool import BATCH_BYTES, batches, scan_tasks
from cleannet.scanner.signatures import SignatureSet
from cleannet.scanner.walker import FileTask, walk


def corpus(root: Path, eicar: bytes) -> list[FileTask]:
    for index in range(40):
        (root / f"clean{index}.txt").write_bytes(b"clean %d\n" % index * 50)
    (root / "eicar.com").write_bytes(eicar)
    return [t for t in walk([root]) if isinstance(t, FileTask)]


def summary(results: list[tuple[FileTask, FileOutcome]]) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((t.path, tuple(sorted(d.detection for d in o.detections))) for t, o in results)


def test_two_workers_find_what_one_process_finds(
    tmp_path: Path, eicar_signatures: Path, eicar_bytes: bytes
) -> None:
    root = tmp_path / "files"
    root.mkdir()
    tasks = corpus(root, eicar_bytes)
    sigs = SignatureSet.load([eicar_signatures])
    alone = list(scan_tasks(tasks, sigs, ScanLimits(), workers=1))
    together = list(scan_tasks(tasks, sigs, ScanLimits(), workers=2))
    assert summary(together) == summary(alone)
    assert len(together) == 41
    assert any(o.detections for _, o in together)


def test_large_files_go_alone_and_small_ones_together() -> None:
    tasks = [FileTask(f"s{i}", 10) for i in range(3)] + [FileTask("big", BATCH_BYTES)]
    tasks += [FileTask("s3", 10)]
    assert [[t.path for t in b] for b in batches(tasks)] == [["big"], ["s0", "s1", "s2", "s3"]]


def _die(batch: list[FileTask]) -> list[FileOutcome]:
    import os

    os._exit(3)


def test_a_dead_worker_leaves_its_files_unscanned_not_clean(
    tmp_path: Path, eicar_signatures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "f.txt").write_text("x")
    monkeypatch.setattr(pool, "_scan_batch", _die)
    sigs = SignatureSet.load([eicar_signatures])
    results = list(
        scan_tasks([FileTask(str(tmp_path / "f.txt"), 1)], sigs, ScanLimits(), workers=2)
    )
    assert [u.reason for _, o in results for u in o.unscanned] == [UnscannedReason.READ_ERROR]
