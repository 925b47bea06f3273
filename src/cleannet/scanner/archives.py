"""Archive members for scanning: zip, tar (plain, .gz, .bz2, .xz), gzip, bzip2 and xz.

``iter_members(data, name, limits)`` yields, in archive order:

- ``Member(path, data)`` for every member read, path ``outer.zip!dir/inner.txt`` (nested:
  ``a.zip!b.zip!c.txt``); a container member is yielded itself, then its own members;
- ``Unscanned(path, reason)`` for anything not fully read: a limit (depth, members, size,
  ratio, time), an encrypted member, a corrupt or truncated archive. What was read before
  the stop is still yielded as a ``Member``, so it is scanned;
- ``Detection(kind=ARCHIVE, detection="Heuristics.Zip.OverlappingFiles")`` for a zip whose
  entries overlap (checked before anything is unpacked; its members are then not read).

It never raises on the content of ``data``. Sizes declared in headers are never trusted:
bytes are counted as they are unpacked, in chunks. Names from archives are for display only
(control and bidirectional characters escaped) and are never used to write files. Tar links,
directories and device entries have no content: they are counted as members and skipped.
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator
from typing import Self

from cleannet.scanner.archive_limits import ArchiveLimits, Budget, LimitReached
from cleannet.scanner.archive_members import (
    ArchiveItem,
    Member,
    MemberRead,
    collect,
    describe_error,
    emit,
    join_path,
    rest_not_read,
    shown_name,
)
from cleannet.scanner.archive_streams import (
    DECODE_ERRORS,
    OUT_CHUNK,
    ChunkReader,
    bzip2_stream,
    gzip_stream,
    limited,
    peek,
    raw_chunks,
    xz_stream,
    zip_decoder,
)
from cleannet.scanner.model import Detection, DetectionKind, Unscanned, UnscannedReason
from cleannet.scanner.zipcheck import (
    ZipEntry,
    ZipFormatError,
    data_span,
    overlapping_entries,
    overlapping_zip_entries,
    read_central_directory,
    scan_local_headers,
)

__all__ = [
    "HEAD_BYTES",
    "OVERLAPPING_FILES",
    "ArchiveItem",
    "ArchiveLimits",
    "Budget",
    "Member",
    "container_kind",
    "is_container",
    "iter_members",
    "overlapping_zip_entries",
    "shown_name",
]

HEAD_BYTES = 512  # enough for every magic number here, tar's at offset 257 included
OVERLAPPING_FILES = "Heuristics.Zip.OverlappingFiles"
_STREAM_SUFFIXES = {
    ".gz": "",
    ".tgz": ".tar",
    ".bz2": "",
    ".tbz": ".tar",
    ".tbz2": ".tar",
    ".xz": "",
    ".txz": ".tar",
}


def container_kind(head: bytes, name: str = "") -> str | None:
    """ "zip", "gzip", "bzip2", "xz" or "tar" from the magic bytes in ``head``, else None.

    ``head`` should hold the first ``HEAD_BYTES`` bytes. A tar without the ustar magic
    (pre-POSIX v7) is recognised by its header checksum when ``name`` ends in ``.tar``.
    """
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and len(head) > 3 and head[3:4] in b"123456789":
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head[257:262] == b"ustar" or (name.lower().endswith(".tar") and _tar_checksum_ok(head)):
        return "tar"
    return None


def is_container(head: bytes, name: str = "") -> bool:
    """True when ``head`` (the first ``HEAD_BYTES`` bytes) starts an archive we open."""
    return container_kind(head, name) is not None


def iter_members(
    data: bytes,
    name: str,
    limits: ArchiveLimits,
    *,
    depth: int = 0,
    budget: Budget | None = None,
) -> Iterator[ArchiveItem]:
    """Yield the members of the container ``data`` (called ``name``), recursively.

    Nothing is yielded when ``data`` is not a container. ``depth`` counts the containers
    around this one. ``budget`` is shared by the whole nesting tree; a new one (starting the
    clock) is made from ``limits`` when none is given, and a given one's limits win.
    """
    kind = container_kind(data[:HEAD_BYTES], name)
    if kind is None:
        return
    budget = budget if budget is not None else Budget(limits)
    limits = budget.limits
    if depth >= limits.max_depth:
        yield Unscanned(
            name,
            UnscannedReason.DEPTH_LIMIT,
            f"archives are nested deeper than {limits.max_depth} levels; "
            "this one's members were not read",
        )
        return
    for item in _guarded(_READERS[kind](data, name, budget), name):
        yield item
        if isinstance(item, Member) and is_container(item.data[:HEAD_BYTES], item.path):
            yield from iter_members(item.data, item.path, limits, depth=depth + 1, budget=budget)


def _guarded(items: Iterator[ArchiveItem], name: str) -> Iterator[ArchiveItem]:
    """Stop a reader at the first error it did not expect, reporting it as unscanned."""
    try:
        yield from items
    except LimitReached as exc:
        yield Unscanned(name, exc.reason, exc.detail)
    except Exception as exc:  # hostile input must end as a report, not crash the scan
        yield Unscanned(
            name,
            UnscannedReason.PARSE_ERROR,
            f"the archive could not be read: {describe_error(exc)}",
        )


# -- zip ------------------------------------------------------------------------------------


def _zip_items(data: bytes, name: str, budget: Budget) -> Iterator[ArchiveItem]:
    cap = budget.limits.max_members + 1
    try:
        directory = read_central_directory(data, cap)
        entries, problem = directory.entries, directory.problem
        declared: int | None = max(directory.declared_count, len(entries))
    except ZipFormatError as exc:
        entries, declared = scan_local_headers(data, cap), None
        problem = f"{exc}; members were read from their local headers"
    if problem:
        yield Unscanned(name, UnscannedReason.PARSE_ERROR, problem)
    overlap = overlapping_entries(data, entries)
    if overlap is not None:
        yield from _overlap_report(name, overlap)
        return
    for index, entry in enumerate(entries):
        try:
            budget.check_time()
            budget.check_bytes_left()
            budget.take_member()
        except LimitReached as exc:
            yield rest_not_read(name, exc, None if declared is None else declared - index)
            return
        if not entry.is_dir or entry.compressed_size:
            # A "directory" with data is read: unzip tools differ on what they do with it.
            # After a fatal stop (time, total bytes), the next turn reports the rest.
            yield from emit(_zip_member(data, name, entry, budget), join_path(name, entry.name))


def _overlap_report(name: str, overlap: tuple[str, str]) -> Iterator[ArchiveItem]:
    first, second = (shown_name(n) for n in overlap)
    yield Detection(
        path=name,
        detection=OVERLAPPING_FILES,
        kind=DetectionKind.ARCHIVE,
        description=f"zip entries {first!r} and {second!r} share their data (a zip bomb)",
    )
    yield Unscanned(
        name,
        UnscannedReason.PARSE_ERROR,
        "the zip's entries overlap, so its members were not unpacked",
    )


def _zip_member(data: bytes, name: str, entry: ZipEntry, budget: Budget) -> MemberRead:
    path = join_path(name, entry.name)
    if entry.encrypted:
        return MemberRead(
            b"", Unscanned(path, UnscannedReason.ENCRYPTED, "the member is encrypted")
        )
    decoder = zip_decoder(entry.method)
    if decoder is None:
        detail = f"compression method {entry.method} is not supported"
        return MemberRead(b"", Unscanned(path, UnscannedReason.PARSE_ERROR, detail))
    try:
        start, end = data_span(data, entry)
    except ZipFormatError as exc:
        return MemberRead(b"", Unscanned(path, UnscannedReason.PARSE_ERROR, str(exc)))
    packed = memoryview(data)[start:end]
    read = collect(decoder(packed), path, budget, packed=len(packed))
    if end > len(data) and read.stop is None:
        detail = "the member's data is cut off (truncated zip); what was there was scanned"
        read.stop = Unscanned(path, UnscannedReason.PARSE_ERROR, detail)
    return read


# -- tar ------------------------------------------------------------------------------------


class _BadTarHeader(Exception):
    """A header that is neither valid nor an end-of-archive marker (tarfile stops silently)."""


class _StrictTarInfo(tarfile.TarInfo):
    @classmethod
    def frombuf(cls, buf: bytes | bytearray, encoding: str, errors: str) -> Self:
        if not buf or buf == bytes(512):
            # No data or a zero block: tarfile's own end-of-archive signals, kept as they are.
            return super().frombuf(buf, encoding, errors)
        try:
            info = super().frombuf(buf, encoding, errors)
        except tarfile.HeaderError as exc:
            raise _BadTarHeader(f"bad tar header: {exc}") from None
        if info.type in _EXTENDED_HEADERS and info.size > _MAX_EXTENDED_HEADER:
            # tarfile reads these into memory whole, whatever size they declare.
            raise _BadTarHeader(f"an extended header declares {info.size} bytes")
        return info


_EXTENDED_HEADERS = frozenset(
    {
        tarfile.XHDTYPE,
        tarfile.XGLTYPE,
        tarfile.GNUTYPE_LONGNAME,
        tarfile.GNUTYPE_LONGLINK,
        tarfile.SOLARIS_XHDTYPE,
    }
)
_MAX_EXTENDED_HEADER = 1 << 20


_TAR_ERRORS: tuple[type[BaseException], ...] = (_BadTarHeader, *DECODE_ERRORS)


def _tar_checksum_ok(head: bytes) -> bool:
    try:
        tarfile.TarInfo.frombuf(head[:512], "utf-8", "surrogateescape")
    except (tarfile.HeaderError, ValueError):
        return False
    return True


def _tar_items(chunks: Iterator[bytes], name: str, budget: Budget) -> Iterator[ArchiveItem]:
    try:
        # Closed by the "with" below; errors while opening are reported here.
        archive = tarfile.open(  # noqa: SIM115
            fileobj=ChunkReader(chunks), mode="r|", tarinfo=_StrictTarInfo, bufsize=OUT_CHUNK
        )
    except LimitReached as exc:
        yield rest_not_read(name, exc, None)
        return
    except _TAR_ERRORS as exc:
        yield Unscanned(
            name, UnscannedReason.PARSE_ERROR, f"not a readable tar: {describe_error(exc)}"
        )
        return
    with archive:
        yield from _tar_entries(archive, name, budget)


def _tar_entries(archive: tarfile.TarFile, name: str, budget: Budget) -> Iterator[ArchiveItem]:
    while True:
        try:
            info = archive.next()
            if info is None:
                return
            budget.check_time()
            budget.check_bytes_left()
            budget.take_member()
        except LimitReached as exc:
            yield rest_not_read(name, exc, None)
            return
        except _TAR_ERRORS as exc:
            detail = f"the tar is corrupt or cut off: {describe_error(exc)}; the rest was not read"
            yield Unscanned(name, UnscannedReason.PARSE_ERROR, detail)
            return
        if not (info.isreg() or info.type not in tarfile.SUPPORTED_TYPES):
            continue  # directories, links, devices, FIFOs: no content to scan
        # Unknown types are content: GNU tar extracts them as regular files.
        path = join_path(name, info.name)
        read = collect(_tar_chunks(archive, info), path, budget, None)
        yield from emit(read, path)
        if read.stop is not None and (
            read.fatal or read.stop.reason is UnscannedReason.PARSE_ERROR
        ):
            # A stream cannot go past what stopped it.
            detail = f"{read.stop.detail} (in {path}); the rest was not read"
            yield Unscanned(name, read.stop.reason, detail)
            return


def _tar_chunks(archive: tarfile.TarFile, info: tarfile.TarInfo) -> Iterator[bytes]:
    stream = archive.extractfile(info)
    if stream is None:
        return
    while chunk := stream.read(OUT_CHUNK):
        yield chunk


def _plain_tar_items(data: bytes, name: str, budget: Budget) -> Iterator[ArchiveItem]:
    return _tar_items(raw_chunks(data), name, budget)


# -- gzip, bzip2, xz -------------------------------------------------------------------------


def _stream_reader(
    decode: Callable[[bytes], Iterator[bytes]],
) -> Callable[[bytes, str, Budget], Iterator[ArchiveItem]]:
    def read(data: bytes, name: str, budget: Budget) -> Iterator[ArchiveItem]:
        head, chunks = peek(limited(decode(data), budget, len(data)), 512)
        if len(head) == 512 and (head[257:262] == b"ustar" or _tar_checksum_ok(head)):
            yield from _tar_items(chunks, name, budget)
            return
        try:
            budget.take_member()
        except LimitReached as exc:
            yield rest_not_read(name, exc, 1)
            return
        path = join_path(name, _unpacked_name(name))
        yield from emit(collect(chunks, path, budget, None), path)

    return read


def _unpacked_name(name: str) -> str:
    """``x.txt.gz`` → ``x.txt``, ``x.tgz`` → ``x.tar``; as gunzip names its output."""
    base = name.rsplit("!", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    replacement = _STREAM_SUFFIXES.get(f".{suffix.lower()}") if dot else None
    if replacement is None or not stem:
        return base or "data"
    return stem + replacement


_READERS: dict[str, Callable[[bytes, str, Budget], Iterator[ArchiveItem]]] = {
    "zip": _zip_items,
    "tar": _plain_tar_items,
    "gzip": _stream_reader(gzip_stream),
    "bzip2": _stream_reader(bzip2_stream),
    "xz": _stream_reader(xz_stream),
}
