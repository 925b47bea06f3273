"""Archive limits and bombs: whatever is not fully read is reported, never passed as clean."""

from __future__ import annotations

import io
import random
import struct
import tarfile
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cleannet.core.errors import InvalidValue
from cleannet.scanner.archive_limits import ArchiveLimits, Budget, MiB
from cleannet.scanner.archives import OVERLAPPING_FILES, ArchiveItem, Member, iter_members
from cleannet.scanner.model import Detection, DetectionKind, Unscanned, UnscannedReason
from cleannet.scanner.zipcheck import overlapping_zip_entries

LIMITS = ArchiveLimits()


@dataclass
class Raw:
    """One member of a zip written by hand (to break the format on purpose)."""

    name: str
    content: bytes
    method: int = 8
    flags: int = 0
    declared_size: int | None = None  # the uncompressed size the headers claim
    extra_packed: int = 0  # bytes added to the compressed size the headers claim


def raw_zip(members: list[Raw], header_offsets: dict[int, int] | None = None) -> bytes:
    """A zip; ``header_offsets`` makes central entry i point at another local header."""
    local, central, offsets = bytearray(), bytearray(), []
    for member in members:
        offsets.append(len(local))
        header, packed = _local_header(member)
        local += header + packed
    for index, member in enumerate(members):
        offset = (header_offsets or {}).get(index, offsets[index])
        central += _central_header(member, offset)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, *[len(members)] * 2, len(central), len(local), 0
    )
    return bytes(local + central + end)


def _sizes(member: Raw) -> tuple[bytes, int, int, bytes]:
    packed = member.content if member.method == 0 else _deflate(member.content)
    size = len(member.content) if member.declared_size is None else member.declared_size
    csize = len(packed) + member.extra_packed
    if size < 0xFFFFFFFF:
        return packed, size, csize, b""
    return packed, 0xFFFFFFFF, 0xFFFFFFFF, struct.pack("<HHQQ", 1, 16, size, csize)


def _local_header(member: Raw) -> tuple[bytes, bytes]:
    packed, size, csize, extra = _sizes(member)
    name = member.name.encode()
    crc = zlib.crc32(member.content)
    head = struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", 45, member.flags, member.method, 0, 0x21, crc, csize, size,
        len(name), len(extra),
    )  # fmt: skip
    return head + name + extra, packed


def _central_header(member: Raw, offset: int) -> bytes:
    _, size, csize, extra = _sizes(member)
    name = member.name.encode()
    crc = zlib.crc32(member.content)
    head = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 45, 45, member.flags, member.method, 0, 0x21, crc, csize,
        size, len(name), len(extra), 0, 0, 0, 0, offset,
    )  # fmt: skip
    return head + name + extra


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def make_zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def split(
    items: Iterator[ArchiveItem],
) -> tuple[dict[str, bytes], list[Unscanned], list[Detection]]:
    found: dict[str, bytes] = {}
    unscanned: list[Unscanned] = []
    detections: list[Detection] = []
    for item in items:
        if isinstance(item, Member):
            found[item.path] = item.data
        elif isinstance(item, Unscanned):
            unscanned.append(item)
        else:
            detections.append(item)
    return found, unscanned, detections


def reasons(unscanned: list[Unscanned]) -> list[tuple[str, UnscannedReason]]:
    return [(u.path, u.reason) for u in unscanned]


def test_it_stops_at_the_depth_limit_and_reports_it(eicar_bytes: bytes) -> None:
    data = make_zip([("eicar.com", eicar_bytes)])
    for level in range(19, 0, -1):
        data = make_zip([(f"l{level}.zip", data)])
    found, unscanned, _ = split(iter_members(data, "l0.zip", LIMITS))
    deepest = "l0.zip!" + "!".join(f"l{i}.zip" for i in range(1, 11))
    assert reasons(unscanned) == [(deepest, UnscannedReason.DEPTH_LIMIT)]
    assert deepest in found  # the container itself is still yielded for its hash
    assert not any(path.endswith("eicar.com") for path in found)


def test_it_stops_at_the_member_limit_and_reports_the_rest(eicar_bytes: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index in range(20_000):
            archive.writestr(f"f{index}", b"")
        archive.writestr("eicar.com", eicar_bytes)
    found, unscanned, _ = split(iter_members(buffer.getvalue(), "many.zip", LIMITS))
    assert len(found) == 10_000
    assert reasons(unscanned) == [("many.zip", UnscannedReason.MEMBER_LIMIT)]
    assert "10001 more members were not read" in unscanned[0].detail


def _zeros_then_eicar(eicar_bytes: bytes, zeros: int, force_zip64: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w", force_zip64=force_zip64) as member:
            block = bytes(MiB)
            for _ in range(zeros // MiB):  # streamed: the zeros are never held whole
                member.write(block)
        archive.writestr("eicar.com", eicar_bytes)
    return buffer.getvalue()


def test_it_stops_a_high_ratio_member_and_still_finds_what_follows(eicar_bytes: bytes) -> None:
    data = _zeros_then_eicar(eicar_bytes, 32 * MiB)
    found, unscanned, _ = split(iter_members(data, "bomb.zip", LIMITS))
    assert reasons(unscanned) == [("bomb.zip!zeros.bin", UnscannedReason.RATIO_LIMIT)]
    assert found["bomb.zip!eicar.com"] == eicar_bytes
    assert 1 * MiB < len(found["bomb.zip!zeros.bin"]) < 32 * MiB  # what was read is scanned


def test_it_stops_a_member_over_the_size_limit_and_scans_its_start(eicar_bytes: bytes) -> None:
    limits = ArchiveLimits(max_member_bytes=3 * MiB, max_ratio=10_000)
    data = _zeros_then_eicar(eicar_bytes, 8 * MiB)
    found, unscanned, _ = split(iter_members(data, "big.zip", limits))
    assert reasons(unscanned) == [("big.zip!zeros.bin", UnscannedReason.SIZE_LIMIT)]
    assert len(found["big.zip!zeros.bin"]) == 3 * MiB
    assert found["big.zip!eicar.com"] == eicar_bytes


def test_it_stops_everything_once_the_total_unpacked_bytes_are_spent(eicar_bytes: bytes) -> None:
    limits = ArchiveLimits(max_total_bytes=2 * MiB, max_ratio=10_000)
    inner = _zeros_then_eicar(eicar_bytes, 4 * MiB)
    outer = make_zip([("inner.zip", inner), ("after.txt", b"after")])
    found, unscanned, _ = split(iter_members(outer, "o.zip", limits))
    assert reasons(unscanned) == [
        ("o.zip!inner.zip!zeros.bin", UnscannedReason.SIZE_LIMIT),
        ("o.zip!inner.zip", UnscannedReason.SIZE_LIMIT),  # eicar.com not read
        ("o.zip", UnscannedReason.SIZE_LIMIT),  # after.txt not read
    ]
    assert "o.zip!after.txt" not in found and "o.zip!inner.zip!eicar.com" not in found


def test_it_flags_overlapping_zip_entries_without_unpacking_them(eicar_bytes: bytes) -> None:
    data = raw_zip([Raw("a.bin", bytes(4096)), Raw("b.bin", eicar_bytes)], header_offsets={1: 0})
    found, unscanned, detections = split(iter_members(data, "ov.zip", LIMITS))
    assert [(d.path, d.detection, d.kind) for d in detections] == [
        ("ov.zip", OVERLAPPING_FILES, DetectionKind.ARCHIVE)
    ]
    assert reasons(unscanned) == [("ov.zip", UnscannedReason.PARSE_ERROR)]
    assert found == {}


@pytest.mark.parametrize(("extra", "overlaps"), [(0, False), (2, False), (3, True)])
def test_it_tolerates_two_bytes_of_overlap_as_clamav_does(extra: int, overlaps: bool) -> None:
    data = raw_zip([Raw("a", b"x" * 100, method=0, extra_packed=extra), Raw("b", b"y" * 100)])
    assert overlapping_zip_entries(data) is overlaps


def test_it_never_allocates_a_huge_zip64_declared_size(eicar_bytes: bytes) -> None:
    data = raw_zip([Raw("huge.bin", bytes(16 * MiB), declared_size=2**62), Raw("e", eicar_bytes)])
    tracemalloc.start()
    try:
        found, unscanned, _ = split(iter_members(data, "z64.zip", LIMITS))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reasons(unscanned) == [("z64.zip!huge.bin", UnscannedReason.RATIO_LIMIT)]
    assert found["z64.zip!e"] == eicar_bytes
    assert peak < 64 * MiB


def test_it_reads_a_python_zip64_file_whose_local_size_was_patched(eicar_bytes: bytes) -> None:
    data = bytearray(_zeros_then_eicar(eicar_bytes, 16 * MiB, force_zip64=True))
    extra = data.index(b"\x01\x00\x10\x00")  # the first local header's ZIP64 extra field
    data[extra + 4 : extra + 12] = struct.pack("<Q", 2**62)
    end = data.index(b"PK\x01\x02")
    found, unscanned, _ = split(iter_members(bytes(data[:end]), "z64.zip", LIMITS))
    assert reasons(unscanned) == [
        ("z64.zip", UnscannedReason.PARSE_ERROR),  # no central directory: cut off
        ("z64.zip!zeros.bin", UnscannedReason.RATIO_LIMIT),
    ]
    assert found["z64.zip!eicar.com"] == eicar_bytes


def test_it_reports_a_truncated_zip_and_still_yields_what_it_could_read(
    eicar_bytes: bytes,
) -> None:
    data = make_zip([("eicar.com", eicar_bytes), ("big.bin", random.Random(1).randbytes(20_000))])
    cut = data[: data.index(b"PK\x01\x02") - 200]
    found, unscanned, _ = split(iter_members(cut, "cut.zip", LIMITS))
    assert found["cut.zip!eicar.com"] == eicar_bytes
    assert reasons(unscanned) == [
        ("cut.zip", UnscannedReason.PARSE_ERROR),
        ("cut.zip!big.bin", UnscannedReason.PARSE_ERROR),
    ]
    assert "cut.zip!big.bin" in found  # the part before the cut is scanned


@pytest.mark.parametrize("mode", ["w:gz", "w:xz", "w"])
def test_it_reports_a_truncated_tar_and_still_yields_the_members_before(
    eicar_bytes: bytes, mode: str
) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in [
            ("eicar.com", eicar_bytes),
            ("noise.bin", random.Random(2).randbytes(20_000)),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    whole = buffer.getvalue()
    found, unscanned, _ = split(iter_members(whole[: len(whole) * 2 // 3], "t.tar", LIMITS))
    assert found["t.tar!eicar.com"] == eicar_bytes
    assert [u.reason for u in unscanned] and {u.reason for u in unscanned} == {
        UnscannedReason.PARSE_ERROR
    }


def test_it_reports_a_corrupt_tar_header_instead_of_stopping_silently(eicar_bytes: bytes) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name in ("first.com", "second.com"):
            info = tarfile.TarInfo(name)
            info.size = len(eicar_bytes)
            archive.addfile(info, io.BytesIO(eicar_bytes))
    data = bytearray(buffer.getvalue())
    data[1024 + 148 : 1024 + 156] = b"garbage!"  # the second header's checksum
    found, unscanned, _ = split(iter_members(bytes(data), "c.tar", LIMITS))
    assert list(found) == ["c.tar!first.com"]
    assert reasons(unscanned) == [("c.tar", UnscannedReason.PARSE_ERROR)]


def test_it_reports_an_encrypted_member_and_reads_the_others(eicar_bytes: bytes) -> None:
    data = raw_zip([Raw("secret.exe", b"cipher", method=0, flags=1), Raw("e", eicar_bytes)])
    found, unscanned, _ = split(iter_members(data, "enc.zip", LIMITS))
    assert reasons(unscanned) == [("enc.zip!secret.exe", UnscannedReason.ENCRYPTED)]
    assert found == {"enc.zip!e": eicar_bytes}


def test_it_reports_an_unsupported_compression_method() -> None:
    data = raw_zip([Raw("d64.bin", b"data", method=0)])
    data = data.replace(
        b"PK\x01\x02\x2d\x00\x2d\x00\x00\x00\x00\x00", b"PK\x01\x02\x2d\x00\x2d\x00\x00\x00\x09\x00"
    )
    _, unscanned, _ = split(iter_members(data, "d.zip", LIMITS))
    assert reasons(unscanned) == [("d.zip!d64.bin", UnscannedReason.PARSE_ERROR)]
    assert "method 9" in unscanned[0].detail


def test_it_stops_at_the_time_limit_with_a_shared_clock(eicar_bytes: bytes) -> None:
    ticks = iter(range(1_000_000))
    budget = Budget(ArchiveLimits(max_seconds=5), clock=lambda: float(next(ticks)))
    data = make_zip([(f"f{i}", b"x") for i in range(50)] + [("eicar.com", eicar_bytes)])
    found, unscanned, _ = split(iter_members(data, "slow.zip", LIMITS, budget=budget))
    assert [u.reason for u in unscanned] == [UnscannedReason.TIME_LIMIT] * len(unscanned)
    assert unscanned[-1].path == "slow.zip" and "more members were not read" in unscanned[-1].detail
    assert 0 < len(found) < 50 and "slow.zip!eicar.com" not in found


def test_it_reads_the_clock_through_time_monotonic(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr("time.monotonic", lambda: now[0])
    budget = Budget(ArchiveLimits(max_seconds=1))
    now[0] = 102.0
    _, unscanned, _ = split(iter_members(make_zip([("a", b"1")]), "t.zip", LIMITS, budget=budget))
    assert reasons(unscanned) == [("t.zip", UnscannedReason.TIME_LIMIT)]


def test_it_shares_the_member_count_across_nested_archives() -> None:
    inner = make_zip([(f"i{i}", b"") for i in range(8)])
    outer = make_zip([("a.zip", inner), ("b.zip", inner)])
    found, unscanned, _ = split(iter_members(outer, "o.zip", ArchiveLimits(max_members=12)))
    assert len(found) == 12
    # a.zip, its 8, b.zip, then 2 of b's 8: b.zip was the last entry of o.zip.
    assert reasons(unscanned) == [("o.zip!b.zip", UnscannedReason.MEMBER_LIMIT)]
    assert "6 more members were not read" in unscanned[0].detail


def test_it_refuses_limits_that_make_no_sense() -> None:
    with pytest.raises(InvalidValue, match="max_ratio"):
        ArchiveLimits(max_ratio=0)
    with pytest.raises(InvalidValue, match="max_members"):
        ArchiveLimits(max_members=-1)


def test_it_refuses_a_tar_extended_header_too_large_to_hold(eicar_bytes: bytes) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo("eicar.com")
        info.size = len(eicar_bytes)
        archive.addfile(info, io.BytesIO(eicar_bytes))
        padded = tarfile.TarInfo("padded.txt")
        padded.pax_headers = {"comment": "z" * (2 * MiB)}
        archive.addfile(padded, io.BytesIO(b""))
    found, unscanned, _ = split(iter_members(buffer.getvalue(), "p.tar.gz", LIMITS))
    assert found == {"p.tar.gz!eicar.com": eicar_bytes}
    assert reasons(unscanned) == [("p.tar.gz", UnscannedReason.PARSE_ERROR)]
    assert "extended header declares" in unscanned[0].detail


def test_it_refuses_a_zip_lzma_member_asking_for_a_huge_dictionary() -> None:
    props = bytes([93]) + (3 << 30).to_bytes(4, "little")  # lc=3 lp=0 pb=2, 3 GiB
    packed = b"\x09\x14\x05\x00" + props + bytes(16)
    data = raw_zip([Raw("big-dict.bin", packed, method=0)])
    data = data.replace(
        b"\x2d\x00\x00\x00\x00\x00\x00\x00\x21\x00", b"\x2d\x00\x00\x00\x0e\x00\x00\x00\x21\x00"
    )  # method 0 → 14 (LZMA) in both headers
    _, unscanned, _ = split(iter_members(data, "l.zip", LIMITS))
    assert reasons(unscanned) == [("l.zip!big-dict.bin", UnscannedReason.PARSE_ERROR)]
    assert "dictionary" in unscanned[0].detail


def test_it_stops_a_gzip_bomb_at_the_stream_ratio() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MiB)
    data = b"".join(packer.compress(block) for _ in range(32)) + packer.flush()
    found, unscanned, _ = split(iter_members(data, "zeros.gz", LIMITS))
    assert reasons(unscanned) == [("zeros.gz!zeros", UnscannedReason.RATIO_LIMIT)]
    assert 1 * MiB < len(found["zeros.gz!zeros"]) <= LIMITS.max_ratio * len(data) + MiB


def test_it_stops_a_tar_gz_bomb_at_the_stream_ratio_and_keeps_what_came_before(
    eicar_bytes: bytes,
) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        first = tarfile.TarInfo("eicar.com")
        first.size = len(eicar_bytes)
        archive.addfile(first, io.BytesIO(eicar_bytes))
        zeros = tarfile.TarInfo("zeros.bin")
        zeros.size = 32 * MiB
        archive.addfile(zeros, io.BytesIO(bytes(32 * MiB)))
    found, unscanned, _ = split(iter_members(buffer.getvalue(), "b.tgz", LIMITS))
    assert found["b.tgz!eicar.com"] == eicar_bytes
    assert reasons(unscanned) == [
        ("b.tgz!zeros.bin", UnscannedReason.RATIO_LIMIT),
        ("b.tgz", UnscannedReason.RATIO_LIMIT),  # a stream cannot skip: the rest is unread
    ]
