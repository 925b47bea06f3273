"""The scanner's vocabulary: what was found, what could not be scanned, the report.

Every part of ``cleannet.scanner`` (signatures, the file engine, archives, processes and
network, persistence places, bundles, quarantine) reports through these types, and the JSON
report (``report.py``; schema in docs/scanner.md) is built from them alone.

- ``Detection``: one thing found — where (a path, ``archive.zip!inner/file.exe`` for a member,
  ``pid:1234`` for a process, ``tcp:10.0.0.5:51234->203.0.113.9:443`` for a connection,
  a persistence place), the detection name, its kind, the score, and the action taken.
- ``Unscanned``: one thing NOT fully scanned and why (a limit, a parse error, permission
  denied, a symlink loop, a timeout). Never reported as clean.
- ``ScanReport``: everything of one run, with totals and the signature bundle version.

Exit codes follow clamscan: 0 nothing found, 1 something found, 2 errors (and nothing found).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "EXIT_CLEAN",
    "EXIT_ERROR",
    "EXIT_FOUND",
    "Action",
    "Detection",
    "DetectionKind",
    "ScanReport",
    "Totals",
    "Unscanned",
    "UnscannedReason",
]

EXIT_CLEAN = 0
EXIT_FOUND = 1
EXIT_ERROR = 2


class DetectionKind(StrEnum):
    HASH = "hash"  # MD5/SHA-1/SHA-256 IOC or ClamAV .hdb/.hsb
    YARA = "yara"
    FILENAME = "filename"  # filename/path regex IOC
    C2 = "c2"  # a live connection to a C2 address or name
    PROCESS = "process"  # a running process whose executable matched
    PERSISTENCE = "persistence"  # an autostart entry pointing at a detected file or IOC
    ARCHIVE = "archive"  # an archive anomaly (overlapping zip entries) — a detection in itself


class Action(StrEnum):
    REPORTED = "reported"  # report only (the default)
    QUARANTINED = "quarantined"
    DELETED = "deleted"
    PROCESS_ENDED = "process-ended"
    FAILED = "failed"  # an action was asked for and could not be done (see ``error``)


class UnscannedReason(StrEnum):
    PERMISSION_DENIED = "permission-denied"
    NOT_FOUND = "not-found"  # vanished between listing and reading
    SYMLINK_LOOP = "symlink-loop"
    SPECIAL_FILE = "special-file"  # device, FIFO, socket: not read
    TOO_LARGE = "too-large"  # file larger than the file-size limit
    DEPTH_LIMIT = "depth-limit"  # archive nesting deeper than allowed
    MEMBER_LIMIT = "member-limit"  # more archive members than allowed
    SIZE_LIMIT = "size-limit"  # more unpacked bytes than allowed
    RATIO_LIMIT = "ratio-limit"  # compression ratio above the limit
    TIME_LIMIT = "time-limit"
    PARSE_ERROR = "parse-error"  # a container that could not be read (corrupt, truncated)
    ENCRYPTED = "encrypted"  # an encrypted archive member
    READ_ERROR = "read-error"  # any other I/O error
    NOT_SUPPORTED = "not-supported"  # a check this platform cannot do (e.g. winreg on Linux)


@dataclass(frozen=True, slots=True)
class Detection:
    """One thing found. ``path`` uses ``!`` between an archive and its member."""

    path: str
    detection: str  # the signature's name, e.g. "EICAR-Test-File" or the YARA rule name
    kind: DetectionKind
    score: int = 100
    action: Action = Action.REPORTED
    sha256: str | None = None
    description: str = ""
    error: str = ""  # why an action failed


@dataclass(frozen=True, slots=True)
class Unscanned:
    """One thing not (fully) scanned, and why; ``detail`` is a readable sentence."""

    path: str
    reason: UnscannedReason
    detail: str = ""


@dataclass(slots=True)
class Totals:
    files: int = 0  # files read (archive members included)
    bytes: int = 0  # bytes scanned
    archives: int = 0
    detections: int = 0
    unscanned: int = 0
    errors: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class ScanReport:
    """Everything one scan run found; ``exit_code`` says what clamscan would."""

    detections: list[Detection] = field(default_factory=list)
    unscanned: list[Unscanned] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    bundle_version: str | None = None
    started_at: str = ""  # ISO 8601 UTC
    scanner_version: str = ""

    @property
    def exit_code(self) -> int:
        if self.detections:
            return EXIT_FOUND
        return EXIT_ERROR if self.totals.errors else EXIT_CLEAN
