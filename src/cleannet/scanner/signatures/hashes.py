"""Hash IOCs and allow-lists: signature-base ``hash-iocs.txt``, ClamAV ``.hdb``/``.hsb``,
allow-lists ``.fp``/``.sfp`` and signature-base ``*hash*falsepositive*`` files.

The hash kind is inferred from the length (32 MD5, 40 SHA-1, 64 SHA-256). Lookups are dict
hits; an entry may carry the file size (ClamAV), and then only a file of that size matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from cleannet.scanner.signatures.lines import SignatureProblem, iter_signature_lines

__all__ = ["HASH_KINDS", "FileHashes", "HashEntry", "HashSet"]

HASH_KINDS = {32: "md5", 40: "sha1", 64: "sha256"}
_HEX = frozenset("0123456789abcdef")
_DEFAULT_SCORE = 100


@dataclass(frozen=True, slots=True)
class HashEntry:
    """One hash IOC: the detection name, its score and, if known, the file size."""

    name: str
    score: int = _DEFAULT_SCORE
    size: int | None = None

    def fits(self, size: int) -> bool:
        return self.size is None or self.size == size


@dataclass(frozen=True, slots=True)
class FileHashes:
    """The digests of one file (hex, lower case); ``None`` for a digest not computed."""

    sha256: str
    size: int
    md5: str | None = None
    sha1: str | None = None

    def digests(self) -> Iterator[tuple[str, str]]:
        for kind, digest in (("md5", self.md5), ("sha1", self.sha1), ("sha256", self.sha256)):
            if digest is not None:
                yield kind, digest


def _parse_hash(text: str) -> tuple[str, str] | str:
    """Return (kind, lower-case hex) or a reason why ``text`` is not a hash."""
    digest = text.strip().lower()
    kind = HASH_KINDS.get(len(digest))
    if kind is None:
        return f"a hash has 32, 40 or 64 hex digits, not {len(digest)}"
    if not _HEX.issuperset(digest):
        return "a hash has hex digits only"
    return kind, digest


def _parse_size(text: str) -> int | str | None:
    """Return the size, ``None`` for ``*`` (unknown), or a reason."""
    if text == "*":
        return None
    if not text.isdigit():
        return f"the file size {text!r} is not a whole number or *"
    return int(text)


@dataclass
class HashSet:
    """Hash IOCs by kind, and the allow-list (known-good hashes) by kind."""

    iocs: dict[str, dict[str, tuple[HashEntry, ...]]] = field(
        default_factory=lambda: {kind: {} for kind in HASH_KINDS.values()}
    )
    allowed: dict[str, dict[str, int | None]] = field(
        default_factory=lambda: {kind: {} for kind in HASH_KINDS.values()}
    )

    def needed_kinds(self) -> frozenset[str]:
        """The digest kinds a file must be hashed with for lookups to be complete."""
        used = {k for k, d in self.iocs.items() if d} | {k for k, d in self.allowed.items() if d}
        return frozenset(used)

    def counts(self) -> dict[str, int]:
        return {
            "hashes": sum(len(d) for d in self.iocs.values()),
            "allowed_hashes": sum(len(d) for d in self.allowed.values()),
        }

    def add(self, kind: str, digest: str, entry: HashEntry) -> None:
        table = self.iocs[kind]
        table[digest] = (*table.get(digest, ()), entry)

    def allow(self, kind: str, digest: str, size: int | None = None) -> None:
        self.allowed[kind][digest] = size

    def is_allowed(self, hashes: FileHashes) -> bool:
        """True if any digest of the file is allow-listed (with a matching size, if given)."""
        for kind, digest in hashes.digests():
            if digest in self.allowed[kind]:
                size = self.allowed[kind][digest]
                if size is None or size == hashes.size:
                    return True
        return False

    def lookup(self, hashes: FileHashes) -> list[tuple[str, HashEntry]]:
        """The (kind, entry) pairs whose hash (and size, if given) match the file."""
        found: list[tuple[str, HashEntry]] = []
        for kind, digest in hashes.digests():
            for entry in self.iocs[kind].get(digest, ()):
                if entry.fits(hashes.size):
                    found.append((kind, entry))
        return found

    def merge(self, other: HashSet) -> None:
        for kind, table in other.iocs.items():
            for digest, entries in table.items():
                for entry in entries:
                    self.add(kind, digest, entry)
        for kind, allowed in other.allowed.items():
            self.allowed[kind].update(allowed)

    def load_signature_base(self, text: str, source: str) -> list[SignatureProblem]:
        """Load ``hash;description`` / ``hash;score;description`` lines (hash-iocs.txt)."""
        problems: list[SignatureProblem] = []
        for line in iter_signature_lines(text):
            parts = line.text.split(";")
            parsed = _parse_hash(parts[0])
            if isinstance(parsed, str):
                problems.append(SignatureProblem(source, line.number, parsed))
                continue
            score, rest = _DEFAULT_SCORE, parts[1:]
            if len(rest) >= 2 and rest[0].strip().lstrip("-").isdigit():
                score, rest = int(rest[0]), rest[1:]
            name = ";".join(rest).strip() or line.description or f"Hash-IOC-{parsed[1]}"
            self.add(parsed[0], parsed[1], HashEntry(name, score))
        return problems

    def load_allow_list(self, text: str, source: str) -> list[SignatureProblem]:
        """Load a signature-base falsepositive hash file (``hash[;description]`` lines)."""
        problems: list[SignatureProblem] = []
        for line in iter_signature_lines(text):
            parsed = _parse_hash(line.text.split(";")[0])
            if isinstance(parsed, str):
                problems.append(SignatureProblem(source, line.number, parsed))
            else:
                self.allow(*parsed)
        return problems

    def load_clamav(self, text: str, source: str, *, allow: bool) -> list[SignatureProblem]:
        """Load ClamAV ``Hash:Size:Name[:flevel]`` lines (.hdb/.hsb, or .fp/.sfp if ``allow``)."""
        problems: list[SignatureProblem] = []
        for line in iter_signature_lines(text):
            parsed = _parse_clamav_line(line.text)
            if isinstance(parsed, str):
                problems.append(SignatureProblem(source, line.number, parsed))
                continue
            kind, digest, size, name = parsed
            if allow:
                self.allow(kind, digest, size)
            else:
                self.add(kind, digest, HashEntry(name, _DEFAULT_SCORE, size))
        return problems


def _parse_clamav_line(text: str) -> tuple[str, str, int | None, str] | str:
    parts = text.split(":")
    if len(parts) < 3:
        return "a ClamAV hash line is Hash:FileSize:MalwareName"
    parsed = _parse_hash(parts[0])
    if isinstance(parsed, str):
        return parsed
    size = _parse_size(parts[1].strip())
    if isinstance(size, str):
        return size
    name = parts[2].strip()
    if not name:
        return "the malware name is empty"
    return parsed[0], parsed[1], size, name
