"""Shared fixtures of the scanner tests.

The EICAR test file is never stored in the repository (other antivirus products would flag
it): it is decoded at test time from a XOR-masked constant.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

_EICAR_MASK = 0x5A
_EICAR_MASKED = bytes.fromhex(
    "026f157b0a7f1a1b0a016e060a00026f6e720a04736d1919736d277e1f13191b0877090e1b141e1b081e77"
    "1b140e130c13080f09770e1f090e771c13161f7b7e12711270"
)
EICAR_MD5 = "44d88612fea8a8f36de82e1278abb02f"


def make_eicar() -> bytes:
    """The 68-byte EICAR test file, decoded (never a literal in the repository)."""
    data = bytes(b ^ _EICAR_MASK for b in _EICAR_MASKED)
    assert hashlib.md5(data, usedforsecurity=False).hexdigest() == EICAR_MD5
    return data


@pytest.fixture
def eicar_bytes() -> bytes:
    return make_eicar()


@pytest.fixture
def eicar_signatures(tmp_path: Path, eicar_bytes: bytes) -> Path:
    """A signature folder that finds EICAR by MD5 (.hdb), by SHA-256 (hash-iocs) and YARA."""
    folder = tmp_path / "signatures"
    folder.mkdir()
    md5 = hashlib.md5(eicar_bytes, usedforsecurity=False).hexdigest()
    sha256 = hashlib.sha256(eicar_bytes).hexdigest()
    (folder / "test.hdb").write_text(f"{md5}:{len(eicar_bytes)}:Eicar-Test-Signature\n")
    (folder / "hash-iocs.txt").write_text(f"# Test hashes\n{sha256};EICAR by SHA-256\n")
    marker = eicar_bytes[38:62].decode()  # "ANTIVIRUS-TEST-FILE" region, not the whole file
    (folder / "eicar.yar").write_text(
        "rule EICAR_Test_File : test {\n"
        '  meta: description = "EICAR test file" score = 90\n'
        f'  strings: $a = "{marker}"\n'
        "  condition: $a and filesize < 129\n}\n"
    )
    return folder
