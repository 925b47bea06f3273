"""Ranges exported as static files, one per prefix, as the range API answers them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cleannet.engines.leakindex import Kind, RangeStore, export_ranges, range_response, ranges

Make = Callable[..., RangeStore]
PASSWORD = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"


def test_it_writes_one_file_per_prefix_with_the_api_answer(
    make_store: Make, tmp_path: Path
) -> None:
    first = make_store([(PASSWORD, 3), ("5BAA6" + "0" * 35, 1), ("5BAA8" + "0" * 35, 2)], name="a")
    second = make_store([(PASSWORD, 1)], name="b")

    folder = export_ranges(
        [first, second], tmp_path / "out", Kind.PASSWORD_SHA1, prefixes=range(0x5BA00, 0x5BB00)
    )

    assert folder == tmp_path / "out" / "password_sha1"
    assert len(list(folder.iterdir())) == 256
    assert (folder / "5BAA6.txt").read_bytes() == (
        b"0" * 35 + b":1\r\n1E4C9B93F3F0682250B6CF8331B7EE68FD8:4"
    )
    assert (folder / "5BAA8.txt").read_bytes() == range_response([first, second], "5BAA8").encode()
    assert (folder / "5BAA7.txt").read_bytes() == b""


def test_it_exports_windows_that_split_inside_the_data(
    make_store: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranges, "EXPORT_WINDOW_RECORDS", 2)
    hashes = [f"{p:05X}{i:035X}" for p in range(0xAB000, 0xAB010) for i in range(3)]
    store = make_store(hashes)
    done: list[tuple[int, int]] = []

    folder = export_ranges(
        [store],
        tmp_path,
        Kind.PASSWORD_SHA1,
        prefixes=range(0xAB000, 0xAB020),
        progress=lambda d, t: done.append((d, t)),
    )

    for prefix in range(0xAB000, 0xAB010):
        expected = range_response([store], f"{prefix:05X}").encode()
        assert (folder / f"{prefix:05X}.txt").read_bytes() == expected
    assert (folder / "AB01F.txt").read_bytes() == b""
    assert done[-1] == (32, 32)


def test_it_writes_every_one_of_the_16_to_the_5_prefixes(
    make_store: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A million real files take minutes on a shared disk; what matters is that every prefix
    # is written once, with its answer.
    written: dict[str, str] = {}
    monkeypatch.setattr(ranges, "_write", lambda _folder, name, text: written.update({name: text}))
    store = make_store([("0" * 40, 1), ("F" * 40, 2), (PASSWORD, 3)])

    export_ranges([store], tmp_path, Kind.PASSWORD_SHA1)

    assert len(written) == 16**5
    assert written["00000.txt"] == "0" * 35 + ":1"
    assert written["5BAA6.txt"] == "1E4C9B93F3F0682250B6CF8331B7EE68FD8:3"
    assert written["FFFFF.txt"] == "F" * 35 + ":2"
    assert sum(1 for text in written.values() if text) == 3


def test_it_writes_empty_files_without_stores(tmp_path: Path) -> None:
    folder = export_ranges([], tmp_path, Kind.PASSWORD_NTLM, prefixes=range(0, 16))

    assert sorted(p.name for p in folder.iterdir())[:2] == ["00000.txt", "00001.txt"]
    assert all(p.read_bytes() == b"" for p in folder.iterdir())


def test_it_refuses_to_publish_account_ranges(make_store: Make, tmp_path: Path) -> None:
    store = make_store(["ABCDEF" + "1" * 34], kind=Kind.EMAIL)

    with pytest.raises(ValueError, match="organisations only"):
        export_ranges([store], tmp_path, Kind.EMAIL)
    with pytest.raises(ValueError, match="not password_sha1"):
        export_ranges([store], tmp_path, Kind.PASSWORD_SHA1)
