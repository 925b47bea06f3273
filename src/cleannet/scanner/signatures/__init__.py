"""Signatures of the scanner: hash IOCs and allow-lists, filename IOCs, C2 IOCs, YARA rules.

``SignatureSet`` is the door: load it from signature directories/files (the signature-base
layout, ClamAV ``.hdb``/``.hsb``/``.fp``/``.sfp``, ``*.yar``) or from a verified bundle's
files, then hand it to the engine. Files are recognised by name, as Loki does:

=====================================  ====================================================
file name                              read as
=====================================  ====================================================
``*.yar``, ``*.yara``                  YARA rules (yara-x, compiled once, cached)
``*.hdb`` / ``*.hsb``                  ClamAV MD5 / SHA-1|SHA-256 hashes ``Hash:Size:Name``
``*.fp`` / ``*.sfp``                   ClamAV allow-lists (known-good hashes)
contains ``hash`` and ``falsepositive``  signature-base allow-list (``hash[;description]``)
contains ``hash``                      signature-base hash IOCs (``hash[;score];description``)
contains ``filename``                  filename IOCs (``regex;score[;fp-regex]``)
contains ``c2``                        C2 IOCs (domain, IP or CIDR ``[;score]``)
=====================================  ====================================================

A bad line or rule never stops a load; it is listed in ``problems`` with its line number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import yara_x

from cleannet.core.errors import InvalidValue
from cleannet.scanner.signatures.c2 import C2Set
from cleannet.scanner.signatures.filenames import FilenameSet
from cleannet.scanner.signatures.hashes import FileHashes, HashEntry, HashSet
from cleannet.scanner.signatures.lines import SignatureProblem, decode_signature_file
from cleannet.scanner.signatures.yara_rules import (
    EXTERNALS,
    CompiledRules,
    compile_rules,
    rules_from_bytes,
    rules_to_bytes,
)

__all__ = [
    "EXTERNALS",
    "C2Set",
    "FileHashes",
    "FilenameSet",
    "HashEntry",
    "HashSet",
    "SignatureProblem",
    "SignatureSet",
    "signature_file_kind",
]

_YARA_SUFFIXES = (".yar", ".yara")


def signature_file_kind(name: str) -> str | None:
    """What a file of this name holds (``yara``, ``hdb``, ``hsb``, ``fp``, ``sfp``,
    ``hash-allow``, ``hash``, ``filename``, ``c2``), or ``None`` if it is not a signature file.
    """
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    suffix = PurePosixPath(base).suffix
    if suffix in _YARA_SUFFIXES:
        return "yara"
    if suffix in (".hdb", ".hsb", ".fp", ".sfp"):
        return suffix[1:]
    if "hash" in base:
        return "hash-allow" if "falsepositive" in base else "hash"
    if "filename" in base:
        return "filename"
    if "c2" in base:
        return "c2"
    return None


def _files_of(source: Path) -> list[tuple[str, Path]]:
    if source.is_dir():
        found = sorted(p for p in source.rglob("*") if p.is_file())
        return [(str(p), p) for p in found if signature_file_kind(p.name) is not None]
    if source.is_file():
        return [(str(source), source)]
    raise InvalidValue("signatures", str(source), "is neither a signature file nor a directory")


class SignatureSet:
    """Everything the engine matches against, loaded once per process."""

    def __init__(self, version: str | None = None) -> None:
        self.version = version
        self.hashes = HashSet()
        self.filenames = FilenameSet()
        self.c2 = C2Set()
        self.yara = CompiledRules(None)
        self.problems: list[SignatureProblem] = []
        self._scanner: yara_x.Scanner | None = None

    @classmethod
    def load(
        cls, sources: Sequence[Path], *, cache_dir: Path | None = None, version: str | None = None
    ) -> SignatureSet:
        """Load signature directories (searched recursively) and files.

        Raises ``InvalidValue`` naming a source that does not exist or cannot be read.
        """
        items: list[tuple[str, bytes]] = []
        for source in sources:
            for origin, path in _files_of(Path(source)):
                try:
                    items.append((origin, path.read_bytes()))
                except OSError as error:
                    raise InvalidValue("signatures", origin, error.strerror or str(error)) from None
        return cls._from_items(items, cache_dir=cache_dir, version=version)

    @classmethod
    def from_bundle_payload(
        cls,
        payload: Mapping[str, bytes],
        *,
        version: str | None = None,
        cache_dir: Path | None = None,
    ) -> SignatureSet:
        """Build the set from a verified bundle's files (name → content); other files
        (a manifest, a signature) are skipped."""
        items = [(n, d) for n, d in sorted(payload.items()) if signature_file_kind(n)]
        return cls._from_items(items, cache_dir=cache_dir, version=version)

    @classmethod
    def _from_items(
        cls, items: Iterable[tuple[str, bytes]], *, cache_dir: Path | None, version: str | None
    ) -> SignatureSet:
        sigs = cls(version)
        yara_sources: list[tuple[str, bytes]] = []
        filename_sets: list[FilenameSet] = []
        for origin, data in items:
            kind = signature_file_kind(origin)
            if kind == "yara":
                yara_sources.append((origin, data))
            elif kind is None:
                sigs.problems.append(SignatureProblem(origin, 0, "not a known signature file"))
            else:
                sigs._load_text(kind, origin, decode_signature_file(data), filename_sets)
        for extra in filename_sets:
            sigs.filenames.iocs.extend(extra.iocs)
        sigs.filenames = FilenameSet(sigs.filenames.iocs)
        sigs.yara = compile_rules(yara_sources, cache_dir)
        sigs.problems.extend(sigs.yara.problems)
        return sigs

    def _load_text(
        self, kind: str, origin: str, text: str, filename_sets: list[FilenameSet]
    ) -> None:
        if kind == "hash":
            self.problems += self.hashes.load_signature_base(text, origin)
        elif kind == "hash-allow":
            self.problems += self.hashes.load_allow_list(text, origin)
        elif kind in ("hdb", "hsb", "fp", "sfp"):
            self.problems += self.hashes.load_clamav(text, origin, allow=kind in ("fp", "sfp"))
        elif kind == "filename":
            parsed, problems = FilenameSet.parse(text, origin)
            filename_sets.append(parsed)
            self.problems += problems
        elif kind == "c2":
            self.problems += self.c2.load(text, origin)

    def counts(self) -> dict[str, int]:
        """How many signatures of each kind were loaded, and how many lines were refused."""
        return {
            **self.hashes.counts(),
            "filename_iocs": len(self.filenames),
            "c2_iocs": len(self.c2),
            "yara_rules": self.yara.count,
            "problems": len(self.problems),
        }

    def match_filename(self, path: str) -> list[tuple[str, int]]:
        """Every filename IOC (description, score) that matches ``path``."""
        return self.filenames.match(path)

    @property
    def needed_hashes(self) -> frozenset[str]:
        """Digest kinds each file must be hashed with (SHA-256 is always computed)."""
        needed = self.hashes.needed_kinds() | {"sha256"}
        return needed | {"md5"} if self.yara.uses_md5 else needed

    def yara_scanner(self) -> yara_x.Scanner | None:
        """This process's yara-x scanner (made on first use), or ``None`` without rules."""
        if self._scanner is None and self.yara.rules is not None:
            self._scanner = yara_x.Scanner(self.yara.rules)
        return self._scanner

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_scanner"] = None
        rules = self.yara.rules
        state["yara"] = CompiledRules(None, self.yara.count, self.yara.uses_md5, [], self.yara.key)
        state["_yara_bytes"] = rules_to_bytes(rules) if rules is not None else b""
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        data = state.pop("_yara_bytes", b"")
        self.__dict__.update(state)
        if data:
            self.yara.rules = rules_from_bytes(data)
