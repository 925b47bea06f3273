"""Hostile bytes never raise out of ``iter_members``: they end as Unscanned, never as clean."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleannet.scanner.archive_limits import ArchiveLimits
from cleannet.scanner.archives import Member, iter_members
from cleannet.scanner.model import Detection, Unscanned

LIMITS = ArchiveLimits(max_member_bytes=1 << 20, max_total_bytes=4 << 20, max_seconds=30)
PAYLOAD = b"The quick brown fox jumps over the lazy dog. " * 40


def _zip(method: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("a/one.txt", PAYLOAD)
        archive.writestr("two.bin", bytes(range(256)) * 4)
    return buffer.getvalue()


def _tar(mode: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name in ("one.txt", "two.txt"):
            info = tarfile.TarInfo(name)
            info.size = len(PAYLOAD)
            archive.addfile(info, io.BytesIO(PAYLOAD))
    return buffer.getvalue()


SEEDS = [
    _zip(zipfile.ZIP_DEFLATED),
    _zip(zipfile.ZIP_STORED),
    _zip(zipfile.ZIP_BZIP2),
    _zip(zipfile.ZIP_LZMA),
    _tar("w"),
    _tar("w:gz"),
    _tar("w:bz2"),
    _tar("w:xz"),
    gzip.compress(PAYLOAD),
    bz2.compress(PAYLOAD),
    lzma.compress(PAYLOAD),
]
MAGICS = [
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"BZh9",
    b"\xfd7zXZ\x00",
    bytes(257) + b"ustar",
]


def _drain(data: bytes, name: str) -> list[object]:
    items: list[object] = list(iter_members(data, name, LIMITS))
    assert all(isinstance(i, Member | Unscanned | Detection) for i in items)
    return items


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_it_never_raises_on_damaged_archives(
    seed: bytes, edits: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(seed)
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    _drain(bytes(data), "fuzz.bin.tar")


@settings(max_examples=300, deadline=None)
@given(magic=st.sampled_from(MAGICS), tail=st.binary(max_size=2048))
def test_it_never_raises_on_random_bytes_behind_a_container_magic(
    magic: bytes, tail: bytes
) -> None:
    _drain(magic + tail, "random.tar")


def test_it_reports_a_container_it_cannot_parse_as_unscanned() -> None:
    items = _drain(b"PK\x03\x04" + bytes(10), "broken.zip")
    assert items and all(isinstance(i, Unscanned) for i in items)
