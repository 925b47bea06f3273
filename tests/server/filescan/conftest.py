"""Fixtures of the file-scan tests: a test signature directory, the file-scan settings
pointed at a temporary directory, and the EICAR test file generated at test time (the
repository never holds it whole, so no antivirus product flags the repository)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

EICAR_NAME = "EICAR-Test-File"


def make_eicar() -> bytes:
    """Build the 68-byte EICAR test string from a reversed head and two halves."""
    head = "}7)CC7)^P(45XZP\\4[PA@%P!O5X"[::-1]
    return (head + "$EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*").encode("ascii")


@dataclass
class ScanSite:
    """Where the file scan keeps things in a test: ``root`` (samples, incoming), ``sigs``."""

    root: Path
    sigs: Path
    settings: Any

    def samples(self) -> list[Path]:
        return sorted(p for p in (self.root / "samples").rglob("*") if p.is_file())

    def incoming(self) -> list[Path]:
        return sorted((self.root / "incoming").glob("*"))

    def sample(self, sha256: str) -> Path:
        return self.root / "samples" / sha256[:2] / sha256[2:4] / sha256


@pytest.fixture
def eicar() -> bytes:
    data = make_eicar()
    assert len(data) == 68
    return data


@pytest.fixture
def scan_site(tmp_path: Path, settings: Any) -> ScanSite:
    """Settings for the file scan: signatures that name EICAR by its SHA-256."""
    sigs = tmp_path / "signatures"
    sigs.mkdir()
    digest = hashlib.sha256(make_eicar()).hexdigest()
    (sigs / "hash-iocs.txt").write_text(f"# test signatures\n{digest};{EICAR_NAME}\n")
    root = tmp_path / "filescan"
    settings.CLEANNET_FILESCAN_DIR = str(root)
    settings.CLEANNET_FILESCAN_SIGNATURES = str(sigs)
    settings.CLEANNET_FILESCAN_CPU_SECONDS = 20
    settings.CLEANNET_FILESCAN_MEMORY_MB = 1024
    return ScanSite(root=root, sigs=sigs, settings=settings)
