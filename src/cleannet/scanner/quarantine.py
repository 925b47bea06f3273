"""Quarantine: move a detected file into a store where it can neither run nor be detected.

Each entry is two files in the store directory (mode 0700), both mode 0600:

- ``<id>.bin``: ``b"CNQ1\\n"`` then the content compressed with zlib and encrypted with
  AES-256-CTR under a random per-entry key. The key is not a secret (it sits in the
  manifest): the encoding only makes sure the bytes cannot be executed and that no
  antivirus product (this one included) matches them.
- ``<id>.json``: the manifest: original path, mode, uid/gid, mtime, size, SHA-256, the
  detection, when, and the encoding key.

``put`` removes the original only after the encoded copy and its manifest are fsynced, and
refuses a file that changed since it was scanned (its SHA-256 differs from the detection's).
``restore`` verifies the SHA-256 before the file appears, never overwrites an existing file
unless asked, and puts back mode and mtime (and owner, when allowed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import secrets
import stat
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes

from cleannet.core.errors import CleanNetError
from cleannet.scanner.model import Detection

__all__ = ["Quarantine", "QuarantineEntry", "QuarantineError", "delete_file"]

_MAGIC = b"CNQ1\n"
_CHUNK = 1024 * 1024
_ENTRY_ID = re.compile(r"[0-9a-f]{32}")
SCHEME = "zlib+aes-256-ctr"
log = logging.getLogger(__name__)


class QuarantineError(CleanNetError):
    """A quarantine action that could not be done; the message says which file and why."""


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """One quarantined file, as its manifest records it."""

    id: str
    original_path: str
    mode: int
    uid: int
    gid: int
    mtime_ns: int
    size: int
    sha256: str
    detection: dict[str, Any]
    quarantined_at: str
    key: str  # hex, AES-256 key of the encoding (not a secret, see the module docstring)
    nonce: str  # hex, CTR initial counter block
    scheme: str = SCHEME


# Readable entries and the problems met (a module-level alias: inside ``Quarantine`` the
# name ``list`` is the method).
Survey = tuple[list[QuarantineEntry], list[str]]


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # opening a directory fails on Windows
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _cipher(entry: QuarantineEntry) -> Cipher[modes.CTR]:
    return Cipher(algorithms.AES(bytes.fromhex(entry.key)), modes.CTR(bytes.fromhex(entry.nonce)))


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """Open ``path`` for reading without following a symlink; refuse anything but a file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise QuarantineError(f"{path}: cannot open ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise QuarantineError(f"{path}: not a regular file")
    return fd, info


def _encode(source: IO[bytes], target: IO[bytes], encryptor: CipherContext) -> str:
    """Copy ``source`` into ``target`` compressed and encrypted; return its SHA-256."""
    digest = hashlib.sha256()
    compressor = zlib.compressobj(6)
    target.write(_MAGIC)
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        target.write(encryptor.update(compressor.compress(chunk)))
    target.write(encryptor.update(compressor.flush()) + encryptor.finalize())
    return digest.hexdigest()


def _decode(source: IO[bytes], target: IO[bytes], decryptor: CipherContext) -> str:
    """Write the original content of an encoded ``source``; return its SHA-256."""
    if source.read(len(_MAGIC)) != _MAGIC:
        raise QuarantineError("the stored copy does not start with the quarantine header")
    digest = hashlib.sha256()
    decompressor = zlib.decompressobj()
    while chunk := source.read(_CHUNK):
        data = decompressor.decompress(decryptor.update(chunk))
        digest.update(data)
        target.write(data)
    tail = decompressor.decompress(decryptor.finalize()) + decompressor.flush()
    digest.update(tail)
    target.write(tail)
    return digest.hexdigest()


def _private_file(directory: Path, prefix: str) -> tuple[IO[bytes], Path]:
    fd, name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".part")
    os.chmod(name, 0o600)  # mkstemp already uses 0600; said again for umask-free clarity
    return os.fdopen(fd, "wb"), Path(name)


def _write_durably(handle: IO[bytes]) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


class Quarantine:
    """A quarantine store in ``directory`` (created with mode 0700)."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def _ensure(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _paths(self, entry_id: str) -> tuple[Path, Path]:
        if not _ENTRY_ID.fullmatch(entry_id):
            raise QuarantineError(f"entry {entry_id!r}: not a quarantine entry id (32 hex)")
        return self.directory / f"{entry_id}.bin", self.directory / f"{entry_id}.json"

    def put(self, path: Path | str, detection: Detection) -> QuarantineEntry:
        """Encode ``path`` into the store, then remove the original.

        Raises ``QuarantineError`` (the original untouched and nothing left in the store)
        when the file cannot be read, is not a regular file, changed since the scan
        (``detection.sha256`` differs), or cannot be removed.
        """
        source = Path(path)
        self._ensure()
        fd, info = _open_regular(source)
        entry_id = uuid.uuid4().hex
        key, nonce = secrets.token_bytes(32), secrets.token_bytes(16)
        encryptor = Cipher(algorithms.AES(key), modes.CTR(nonce)).encryptor()
        target, part = _private_file(self.directory, f".{entry_id}.")
        try:
            with os.fdopen(fd, "rb") as reader, target:
                sha256 = _encode(reader, target, encryptor)
                _write_durably(target)
            if detection.sha256 and detection.sha256.lower() != sha256:
                raise QuarantineError(
                    f"{source}: content changed since it was scanned (SHA-256 {sha256} is not "
                    f"{detection.sha256}); scan it again"
                )
            entry = _entry(entry_id, source, info, sha256, detection, key, nonce)
            self._commit(entry, part)
        except BaseException:
            with contextlib.suppress(OSError):
                part.unlink()
            raise
        self._remove_original(source, entry)
        return entry

    def _commit(self, entry: QuarantineEntry, part: Path) -> None:
        binary, manifest = self._paths(entry.id)
        os.replace(part, binary)
        handle, manifest_part = _private_file(self.directory, f".{entry.id}.json.")
        with handle:
            handle.write(json.dumps(asdict(entry), indent=2, sort_keys=True).encode())
            _write_durably(handle)
        os.replace(manifest_part, manifest)
        _fsync_directory(self.directory)

    def _remove_original(self, source: Path, entry: QuarantineEntry) -> None:
        try:
            source.unlink()
        except OSError as exc:
            self.delete(entry.id)
            raise QuarantineError(
                f"{source}: copied but cannot be removed ({exc.strerror or exc}); "
                "left in place, nothing quarantined"
            ) from None
        _fsync_directory(source.parent)

    def get(self, entry_id: str) -> QuarantineEntry:
        """The entry ``entry_id``; raises ``QuarantineError`` if absent or unreadable."""
        _, manifest = self._paths(entry_id)
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            return QuarantineEntry(**data)
        except FileNotFoundError:
            raise QuarantineError(f"entry {entry_id}: not in {self.directory}") from None
        except (OSError, ValueError, TypeError) as exc:
            raise QuarantineError(f"entry {entry_id}: unreadable manifest ({exc})") from None

    def list(self) -> list[QuarantineEntry]:
        """Every readable entry, oldest first; an unreadable manifest is logged and skipped."""
        entries, problems = self.survey()
        for problem in problems:
            log.warning("%s", problem)
        return entries

    def survey(self) -> Survey:
        """Every readable entry, oldest first, and one message per unreadable manifest."""
        entries: list[QuarantineEntry] = []
        problems: list[str] = []
        for entry_id in self._ids():
            try:
                entries.append(self.get(entry_id))
            except QuarantineError as exc:
                problems.append(str(exc))
        entries.sort(key=lambda entry: (entry.quarantined_at, entry.id))
        return entries, sorted(problems)

    def _ids(self) -> Iterator[str]:
        if not self.directory.is_dir():
            return
        for manifest in self.directory.glob("*.json"):
            if _ENTRY_ID.fullmatch(manifest.stem):
                yield manifest.stem

    def holds(self, entry_id: str) -> bool:
        """True when anything of entry ``entry_id`` (manifest or encoded copy) is in the store;
        raises ``QuarantineError`` for a malformed id."""
        return any(path.exists() for path in self._paths(entry_id))

    def delete(self, entry_id: str) -> None:
        """Remove the entry for good (its encoded copy and manifest)."""
        binary, manifest = self._paths(entry_id)
        if not manifest.exists() and not binary.exists():
            raise QuarantineError(f"entry {entry_id}: not in {self.directory}")
        for path in (binary, manifest):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        _fsync_directory(self.directory)

    def restore(
        self,
        entry_id: str,
        *,
        to: Path | str | None = None,
        overwrite: bool = False,
        keep: bool = False,
    ) -> Path:
        """Write the original back to its path (or ``to``) and return where it went.

        The SHA-256 is verified before the file appears; an existing file is never replaced
        unless ``overwrite``; mode and mtime (and owner, if allowed) are put back. The entry
        is removed afterwards unless ``keep``. Raises ``QuarantineError``.
        """
        entry = self.get(entry_id)
        binary, _ = self._paths(entry_id)
        target = Path(to) if to is not None else Path(entry.original_path)
        if not target.parent.is_dir():
            raise QuarantineError(f"{target}: directory {target.parent} does not exist")
        if target.is_dir():
            raise QuarantineError(f"{target}: is a folder; name the file to restore into")
        if target.exists() and not overwrite:
            raise QuarantineError(f"{target}: a file is already there (ask to overwrite)")
        part = self._decode_beside(entry, binary, target)
        try:
            _apply_metadata(part, entry)
            _place(part, target, overwrite)
        finally:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
        _fsync_directory(target.parent)
        if not keep:
            self.delete(entry_id)
        return target

    def _decode_beside(self, entry: QuarantineEntry, binary: Path, target: Path) -> Path:
        """Decode into a temporary file next to ``target``; verify the SHA-256."""
        handle, part = _private_file(target.parent, f".{target.name}.restore.")
        try:
            with handle, binary.open("rb") as source:
                sha256 = _decode(source, handle, _cipher(entry).decryptor())
                _write_durably(handle)
        except (OSError, zlib.error) as exc:
            part.unlink(missing_ok=True)
            raise QuarantineError(f"entry {entry.id}: stored copy unreadable ({exc})") from None
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        if sha256 != entry.sha256:
            part.unlink(missing_ok=True)
            raise QuarantineError(f"entry {entry.id}: stored copy damaged (SHA-256 differs)")
        return part


def _entry(
    entry_id: str,
    source: Path,
    info: os.stat_result,
    sha256: str,
    detection: Detection,
    key: bytes,
    nonce: bytes,
) -> QuarantineEntry:
    return QuarantineEntry(
        id=entry_id,
        original_path=str(source.absolute()),
        mode=stat.S_IMODE(info.st_mode),
        uid=info.st_uid,
        gid=info.st_gid,
        mtime_ns=info.st_mtime_ns,
        size=info.st_size,
        sha256=sha256,
        detection={k: str(v) if not isinstance(v, int) else v for k, v in _fields(detection)},
        quarantined_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        key=key.hex(),
        nonce=nonce.hex(),
    )


def _fields(detection: Detection) -> Iterator[tuple[str, Any]]:
    for name in ("path", "detection", "kind", "score", "sha256", "description"):
        value = getattr(detection, name)
        if value is not None and value != "":
            yield name, value


def _apply_metadata(path: Path, entry: QuarantineEntry) -> None:
    os.chmod(path, entry.mode)
    os.utime(path, ns=(entry.mtime_ns, entry.mtime_ns))
    if hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # only root may give a file to someone else
            os.chown(path, entry.uid, entry.gid)


def _place(part: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(part, target)
        return
    try:
        os.link(part, target)  # fails if the target appeared meanwhile: never clobbers
    except FileExistsError:
        raise QuarantineError(f"{target}: a file is already there (ask to overwrite)") from None
    except OSError:
        if target.exists():
            raise QuarantineError(f"{target}: a file is already there") from None
        os.replace(part, target)  # a file system without hard links


def delete_file(path: Path | str) -> None:
    """Delete ``path`` (a regular file, or a symlink itself, never its target).

    For the CLI's ``--delete --yes`` only. Raises ``QuarantineError`` for a directory or a
    special file, or when the removal fails.
    """
    target = Path(path)
    try:
        info = target.lstat()
    except OSError as exc:
        raise QuarantineError(f"{target}: cannot delete ({exc.strerror or exc})") from None
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise QuarantineError(f"{target}: not a regular file; not deleted")
    try:
        target.unlink()
    except OSError as exc:
        raise QuarantineError(f"{target}: cannot delete ({exc.strerror or exc})") from None
    _fsync_directory(target.parent)
