"""Archive members: formats, nesting, names. (Limits and bombs: test_archives_bombs.py.)"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile

import pytest

from cleannet.scanner.archives import (
    ArchiveLimits,
    Member,
    container_kind,
    is_container,
    iter_members,
    shown_name,
)
from cleannet.scanner.zipcheck import data_span, read_central_directory

LIMITS = ArchiveLimits()


def make_zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def make_tar(entries: list[tuple[str, bytes]], mode: str = "w", links: bool = False) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        archive.addfile(_tar_info("folder", tarfile.DIRTYPE))
        for name, data in entries:
            info = _tar_info(name, tarfile.REGTYPE)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if links:
            archive.addfile(_tar_info("sym", tarfile.SYMTYPE, linkname=entries[0][0]))
            archive.addfile(_tar_info("hard", tarfile.LNKTYPE, linkname=entries[0][0]))
            archive.addfile(_tar_info("null", tarfile.CHRTYPE))
            archive.addfile(_tar_info("pipe", tarfile.FIFOTYPE))
    return buffer.getvalue()


def _tar_info(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


def members(data: bytes, name: str, limits: ArchiveLimits = LIMITS) -> dict[str, bytes]:
    items = list(iter_members(data, name, limits))
    assert [i for i in items if not isinstance(i, Member)] == []
    return {i.path: i.data for i in items if isinstance(i, Member)}


def test_it_yields_eicar_from_a_zip(eicar_bytes: bytes) -> None:
    data = make_zip([("eicar.com", eicar_bytes), ("readme.txt", b"hello")])
    assert members(data, "e.zip") == {"e.zip!eicar.com": eicar_bytes, "e.zip!readme.txt": b"hello"}


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_it_reads_every_zip_compression_method_python_writes(
    eicar_bytes: bytes, method: int
) -> None:
    data = make_zip([("dir/eicar.com", eicar_bytes * 3)], method)
    assert members(data, "m.zip") == {"m.zip!dir/eicar.com": eicar_bytes * 3}


def test_it_follows_zips_nested_three_levels(eicar_bytes: bytes) -> None:
    inner = make_zip([("eicar.com", eicar_bytes)])
    middle = make_zip([("c.zip", inner)])
    outer = make_zip([("b.zip", middle), ("notes.txt", b"n")])
    found = members(outer, "a.zip")
    assert found["a.zip!b.zip!c.zip!eicar.com"] == eicar_bytes
    # Containers are members too: their own hashes get checked.
    assert found["a.zip!b.zip"] == middle and found["a.zip!b.zip!c.zip"] == inner
    assert list(found) == [
        "a.zip!b.zip",
        "a.zip!b.zip!c.zip",
        "a.zip!b.zip!c.zip!eicar.com",
        "a.zip!notes.txt",
    ]


@pytest.mark.parametrize(
    ("mode", "name"),
    [("w:gz", "t.tar.gz"), ("w:bz2", "t.tar.bz2"), ("w:xz", "t.tar.xz"), ("w", "t.tar")],
)
def test_it_yields_eicar_from_a_tar_and_skips_links_and_devices(
    eicar_bytes: bytes, mode: str, name: str
) -> None:
    data = make_tar([("sub/eicar.com", eicar_bytes), ("b.txt", b"b")], mode, links=True)
    assert members(data, name) == {f"{name}!sub/eicar.com": eicar_bytes, f"{name}!b.txt": b"b"}


def test_it_reads_an_old_v7_tar_without_the_ustar_magic_by_its_name(eicar_bytes: bytes) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        info = tarfile.TarInfo("eicar.com")
        info.size = len(eicar_bytes)
        archive.addfile(info, io.BytesIO(eicar_bytes))
    data = bytearray(buffer.getvalue())
    data[257:265] = bytes(8)  # no magic, no version: what v7 tar wrote
    checksum = sum(data[:148]) + 8 * 0x20 + sum(data[156:512])
    data[148:156] = b"%06o\x00 " % checksum
    assert container_kind(bytes(data[:512]), "old.tar") == "tar"
    assert container_kind(bytes(data[:512]), "old.bin") is None
    assert members(bytes(data), "old.tar") == {"old.tar!eicar.com": eicar_bytes}


@pytest.mark.parametrize(
    ("compress", "name", "inner"),
    [
        (gzip.compress, "eicar.com.gz", "eicar.com"),
        (bz2.compress, "eicar.com.bz2", "eicar.com"),
        (lzma.compress, "dir/eicar.com.XZ", "eicar.com"),
        (gzip.compress, "noext", "noext"),
    ],
)
def test_it_yields_one_member_named_without_the_suffix_from_a_plain_stream(
    eicar_bytes: bytes, compress: object, name: str, inner: str
) -> None:
    data = compress(eicar_bytes)  # type: ignore[operator]
    assert members(data, name) == {f"{name}!{inner}": eicar_bytes}


def test_it_reads_concatenated_gzip_members_as_gunzip_does(eicar_bytes: bytes) -> None:
    data = gzip.compress(eicar_bytes[:30]) + gzip.compress(eicar_bytes[30:]) + bytes(8)
    assert members(data, "e.gz") == {"e.gz!e": eicar_bytes}


def test_it_opens_a_zip_inside_a_tar_gz_inside_a_zip(eicar_bytes: bytes) -> None:
    tar_gz = make_tar([("inner.zip", make_zip([("eicar.com", eicar_bytes)]))], "w:gz")
    outer = make_zip([("bundle.tgz", tar_gz)])
    assert members(outer, "o.zip")["o.zip!bundle.tgz!inner.zip!eicar.com"] == eicar_bytes


def test_it_finds_the_members_of_a_zip_with_data_prepended_like_a_self_extractor(
    eicar_bytes: bytes,
) -> None:
    zipped = make_zip([("eicar.com", eicar_bytes)])
    data = b"MZ" + bytes(1000) + zipped
    assert not is_container(data[:512], "setup.exe")  # by its first bytes it is a program
    directory = read_central_directory(data, 10)
    assert [(e.name, e.header_offset) for e in directory.entries] == [("eicar.com", 1002)]
    assert data_span(data, directory.entries[0])[0] == 1002 + 30 + len("eicar.com")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"PK\x05\x06" + bytes(18), "zip"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"BZh91AY&SY", "bzip2"),
        (b"\xfd7zXZ\x00\x00", "xz"),
        (bytes(257) + b"ustar\x0000", "tar"),
        (b"BZh", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_it_recognises_containers_by_their_magic_bytes(head: bytes, kind: str | None) -> None:
    assert container_kind(head, "whatever.bin") == kind
    assert is_container(head, "x") is (kind is not None)


def test_it_yields_nothing_for_a_file_that_is_not_a_container() -> None:
    assert list(iter_members(b"just text", "a.txt", LIMITS)) == []


def test_it_yields_an_empty_zip_as_no_members() -> None:
    assert list(iter_members(make_zip([]), "empty.zip", LIMITS)) == []


def test_it_escapes_control_and_direction_characters_in_member_names() -> None:
    data = make_zip([("evil\x1b[2J\u202etxt.exe", b"x"), ("ok/\u00e9t\u00e9.txt", b"y")])
    assert list(members(data, "n.zip")) == [
        "n.zip!evil\\x1b[2J\\u202etxt.exe",
        "n.zip!ok/\u00e9t\u00e9.txt",
    ]
    assert shown_name("a" * 5000).endswith("…") and len(shown_name("a" * 5000)) == 1025


def test_it_shows_undecodable_tar_names_with_escapes() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        info = tarfile.TarInfo("caf\udce9.txt")  # a Latin-1 byte kept by surrogateescape
        info.size = 1
        archive.addfile(info, io.BytesIO(b"z"))
    assert list(members(buffer.getvalue(), "n.tar")) == ["n.tar!caf\\xe9.txt"]


def test_it_reads_data_hidden_in_a_zip_entry_named_like_a_directory(eicar_bytes: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("hidden/"), eicar_bytes)
    assert members(buffer.getvalue(), "h.zip") == {"h.zip!hidden/": eicar_bytes}


def test_it_reads_a_tar_member_of_an_unknown_type_as_gnu_tar_does(eicar_bytes: bytes) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = _tar_info("odd.bin", b"Z")
        info.size = len(eicar_bytes)
        archive.addfile(info, io.BytesIO(eicar_bytes))
    assert members(buffer.getvalue(), "u.tar") == {"u.tar!odd.bin": eicar_bytes}
