"""The file engine: one buffer, three digests, YARA and filename IOCs, archives inside.

Each file is read once. Small files go into one ``bytes`` buffer that feeds the digests and
yara-x; files above ``ScanLimits.mmap_from`` are memory-mapped for the digests and handed to
yara-x by path (yara-x maps them itself), so a large file never sits in memory twice.
A container (zip, tar, gzip — recognised by its magic bytes) is also unpacked through
``cleannet.scanner.archives`` and every member is scanned the same way, with its path written
``outer.zip!inner/file``.

An allow-listed hash (``.fp``/``.sfp``, signature-base falsepositive files) suppresses every
detection for that file, and for the members of an allow-listed archive.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yara_x

from cleannet.core.errors import CleanNetError
from cleannet.scanner.archive_limits import ArchiveLimits
from cleannet.scanner.archives import HEAD_BYTES, Member, is_container, iter_members
from cleannet.scanner.model import Detection, DetectionKind, Unscanned, UnscannedReason
from cleannet.scanner.signatures import FileHashes, SignatureSet

__all__ = [
    "FileOutcome",
    "IncompleteScan",
    "MiB",
    "ScanLimits",
    "file_type",
    "hash_buffer",
    "scan_buffer",
    "scan_bytes",
    "scan_file",
    "scan_file_outcome",
]

MiB = 1 << 20
YARA_DEFAULT_SCORE = 75  # THOR's and Loki's default for a rule without a score


class IncompleteScan(CleanNetError):
    """A buffer could not be fully scanned (YARA timed out or failed); never read as clean."""

    def __init__(self, reason: UnscannedReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ScanLimits:
    """Per-file limits: files above ``max_file_bytes`` are reported unscanned (too large)."""

    max_file_bytes: int = 1024 * MiB
    mmap_from: int = 64 * MiB
    archive: ArchiveLimits = field(default_factory=ArchiveLimits)
    scan_archives: bool = True


@dataclass(slots=True)
class FileOutcome:
    """What scanning one file (and the members inside it) gave."""

    path: str
    detections: list[Detection] = field(default_factory=list)
    unscanned: list[Unscanned] = field(default_factory=list)
    bytes: int = 0  # bytes scanned, members included
    files: int = 0  # the file itself and every member scanned
    archives: int = 0
    sha256: str | None = None  # of the file itself, when it was read


_MAGIC = (
    (b"MZ", "EXE"),
    (b"\x7fELF", "ELF"),
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "GZIP"),
    (b"\xd0\xcf\x11\xe0", "OLE"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7Z"),
    (b"\xca\xfe\xba\xbe", "MACHO"),
    (b"\xcf\xfa\xed\xfe", "MACHO"),
)


def file_type(head: bytes) -> str:
    """A short type name from the magic bytes (Loki's ``filetype`` external), or ``""``."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return ""


def hash_buffer(data: Any, size: int, kinds: frozenset[str]) -> FileHashes:
    """The digests of ``data`` (bytes or an mmap); SHA-256 always, MD5/SHA-1 if asked."""
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest() if "md5" in kinds else None
    sha1 = hashlib.sha1(data, usedforsecurity=False).hexdigest() if "sha1" in kinds else None
    return FileHashes(hashlib.sha256(data).hexdigest(), size, md5, sha1)


def _base_name(path: str) -> str:
    for separator in ("!", "/", "\\"):
        path = path.rsplit(separator, 1)[-1]
    return path


def _set_externals(scanner: yara_x.Scanner, path: str, head: bytes, hashes: FileHashes) -> None:
    name = _base_name(path)
    scanner.set_global("filename", name)
    scanner.set_global("filepath", path[: len(path) - len(name)].rstrip("/\\!"))
    scanner.set_global("extension", os.path.splitext(name)[1].lower())
    scanner.set_global("filetype", file_type(head))
    scanner.set_global("md5", hashes.md5 or "")


def _yara_matches(
    sigs: SignatureSet, data: bytes | None, path: str, head: bytes, hashes: FileHashes
) -> list[Any]:
    """Run yara-x on ``data`` (or on the file at ``path`` when ``data`` is None)."""
    scanner = sigs.yara_scanner()
    if scanner is None:
        return []
    _set_externals(scanner, path, head, hashes)
    try:
        results = scanner.scan(data) if data is not None else scanner.scan_file(path)
    except yara_x.TimeoutError:
        raise IncompleteScan(UnscannedReason.TIME_LIMIT, "the YARA scan timed out") from None
    except yara_x.ScanError as error:
        raise IncompleteScan(UnscannedReason.READ_ERROR, f"YARA could not scan: {error}") from None
    return list(results.matching_rules)


def _yara_detection(rule: Any, path: str, sha256: str) -> Detection:
    meta = dict(rule.metadata)
    score = meta.get("score")
    return Detection(
        path=path,
        detection=rule.identifier,
        kind=DetectionKind.YARA,
        score=score if isinstance(score, int) else YARA_DEFAULT_SCORE,
        sha256=sha256,
        description=str(meta.get("description", "")),
    )


def _filename_detections(sigs: SignatureSet, path: str, sha256: str) -> list[Detection]:
    hits = sigs.match_filename(path)
    # Negative scores (THOR) down-score a path: a known-good location cancels a weak hit.
    if not hits or sum(score for _, score in hits) <= 0:
        return []
    return [
        Detection(path, name, DetectionKind.FILENAME, score, sha256=sha256)
        for name, score in hits
        if score > 0
    ]


def _detections(
    sigs: SignatureSet, path: str, hashes: FileHashes, rules: list[Any]
) -> list[Detection]:
    found = [
        Detection(
            path,
            entry.name,
            DetectionKind.HASH,
            entry.score,
            sha256=hashes.sha256,
            description=f"{kind} hash",
        )
        for kind, entry in sigs.hashes.lookup(hashes)
    ]
    found += [_yara_detection(rule, path, hashes.sha256) for rule in rules]
    found += _filename_detections(sigs, path, hashes.sha256)
    return found


def scan_buffer(data: bytes, path: str, sigs: SignatureSet) -> tuple[list[Detection], FileHashes]:
    """Scan one in-memory file: hashes and YARA from ``data``, filename IOCs on ``path``.

    Returns the detections (none if a hash is allow-listed) and the file's digests. Raises
    ``IncompleteScan`` if YARA timed out or failed, so that a partial scan never reads as clean.
    """
    hashes = hash_buffer(data, len(data), sigs.needed_hashes)
    if sigs.hashes.is_allowed(hashes):
        return [], hashes
    rules = _yara_matches(sigs, data, path, data[:16], hashes)
    return _detections(sigs, path, hashes, rules), hashes


def scan_bytes(data: bytes, path: str, sigs: SignatureSet) -> list[Detection]:
    """The detections for ``data`` known as ``path`` (see ``scan_buffer``; same errors)."""
    return scan_buffer(data, path, sigs)[0]


def _unscanned_for(path: str, error: OSError) -> Unscanned:
    if isinstance(error, PermissionError):
        return Unscanned(path, UnscannedReason.PERMISSION_DENIED, "permission denied")
    if isinstance(error, FileNotFoundError):
        return Unscanned(path, UnscannedReason.NOT_FOUND, "the file vanished before reading")
    return Unscanned(path, UnscannedReason.READ_ERROR, error.strerror or str(error))


def _scan_large(path: str, size: int, sigs: SignatureSet) -> tuple[list[Detection], FileHashes]:
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        hashes = hash_buffer(m, size, sigs.needed_hashes)
        head = m[:16]
    if sigs.hashes.is_allowed(hashes):
        return [], hashes
    rules = _yara_matches(sigs, None, path, head, hashes)
    return _detections(sigs, path, hashes, rules), hashes


def _read(path: str, limits: ScanLimits) -> bytes | int:
    """The file's content, or its size when it is large enough to be memory-mapped."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size >= limits.mmap_from:
            return size
        return handle.read()


def scan_file_outcome(path: str, sigs: SignatureSet, limits: ScanLimits) -> FileOutcome:
    """Scan one file and the members inside it; never raises for the file's own troubles."""
    outcome = FileOutcome(path)
    try:
        content = _read(path, limits)
        if isinstance(content, int):
            if content > limits.max_file_bytes:
                detail = f"{content} bytes, above the file-size limit of {limits.max_file_bytes}"
                outcome.unscanned.append(Unscanned(path, UnscannedReason.TOO_LARGE, detail))
                return outcome
            found, hashes = _scan_large(path, content, sigs)
        else:
            found, hashes = scan_buffer(content, path, sigs)
    except OSError as error:
        outcome.unscanned.append(_unscanned_for(path, error))
        return outcome
    except IncompleteScan as error:
        outcome.unscanned.append(Unscanned(path, error.reason, error.detail))
        return outcome
    outcome.files, outcome.bytes, outcome.sha256 = 1, hashes.size, hashes.sha256
    outcome.detections.extend(found)
    if limits.scan_archives and not sigs.hashes.is_allowed(hashes):
        source: bytes | str = path if isinstance(content, int) else content
        _scan_members(source, path, sigs, limits, outcome)
    return outcome


def scan_file(
    path: str | Path, sigs: SignatureSet, limits: ScanLimits | None = None
) -> tuple[list[Detection], list[Unscanned], int]:
    """Scan one file: (detections, unscanned parts, bytes scanned). See ``scan_file_outcome``."""
    outcome = scan_file_outcome(str(path), sigs, limits or ScanLimits())
    return outcome.detections, outcome.unscanned, outcome.bytes


def _container_bytes(source: bytes | str, path: str, limits: ScanLimits) -> bytes | Unscanned:
    """A large file's content, read only once it is known to be a container we may unpack."""
    if isinstance(source, bytes):
        return source
    size = os.stat(source).st_size
    if size > limits.archive.max_total_bytes:
        detail = (
            f"the archive ({size} bytes) is above the unpacking limit of "
            f"{limits.archive.max_total_bytes} bytes; it was scanned whole, its members not"
        )
        return Unscanned(path, UnscannedReason.SIZE_LIMIT, detail)
    with open(source, "rb") as handle:
        return handle.read()


def _head(source: bytes | str) -> bytes:
    if isinstance(source, bytes):
        return source[:HEAD_BYTES]
    with open(source, "rb") as handle:
        return handle.read(HEAD_BYTES)


def _scan_member(member: Member, sigs: SignatureSet, outcome: FileOutcome) -> None:
    try:
        found, _ = scan_buffer(member.data, member.path, sigs)
    except IncompleteScan as error:
        outcome.unscanned.append(Unscanned(member.path, error.reason, error.detail))
        return
    outcome.files += 1
    outcome.bytes += len(member.data)
    outcome.detections.extend(found)
    if is_container(member.data[:HEAD_BYTES], member.path):
        outcome.archives += 1


def _scan_members(
    source: bytes | str, path: str, sigs: SignatureSet, limits: ScanLimits, outcome: FileOutcome
) -> None:
    """Scan the members of a container, nested ones included (nothing for other files).

    ``archives.iter_members`` recurses into inner containers itself, under one budget.
    """
    if not is_container(_head(source), path):
        return
    outcome.archives += 1
    data = _container_bytes(source, path, limits)
    if isinstance(data, Unscanned):
        outcome.unscanned.append(data)
        return
    for item in iter_members(data, path, limits.archive):
        if isinstance(item, Member):
            _scan_member(item, sigs, outcome)
        elif isinstance(item, Unscanned):
            outcome.unscanned.append(item)
        else:
            outcome.detections.append(item)
