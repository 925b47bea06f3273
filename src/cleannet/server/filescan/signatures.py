"""Which signatures the file scan uses now, and their version (part of a verdict's key).

The signatures are a directory the scanner's ``SignatureSet.load`` reads (hash, filename
and C2 IOC files, ``*.yar``, ClamAV ``*.hdb``/``*.hsb``/``*.fp``/``*.sfp``): the one in
``CLEANNET_FILESCAN_SIGNATURES``, or the hub's newest bundle unpacked (``hub_bundle``). Its
version is the bundle's (a ``VERSION`` file in the directory) or else a fingerprint of the
directory's file names, sizes and times, so any change makes a new version and files seen
before are scanned again. Pure file handling; no Django.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

VERSION_FILE = "VERSION"
_MAX_VERSION = 60


class ScannerUnavailable(Exception):
    """There are no signatures to scan with (none configured, or an empty directory)."""


@dataclass(frozen=True)
class SignatureSource:
    directory: Path
    version: str


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return "dir-" + digest.hexdigest()[:16]


def signature_source(directory: Path | None) -> SignatureSource:
    """Return the signature directory and its version; raises ``ScannerUnavailable``."""
    if directory is None or not directory.is_dir():
        raise ScannerUnavailable("no signature directory is configured")
    files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    if not [p for p in files if p.name != VERSION_FILE]:
        raise ScannerUnavailable(f"the signature directory {directory} is empty")
    declared = directory / VERSION_FILE
    if declared.is_file():
        version = declared.read_text(encoding="utf-8").strip()[:_MAX_VERSION]
        if version:
            return SignatureSource(directory, version)
    return SignatureSource(directory, _fingerprint(files))
