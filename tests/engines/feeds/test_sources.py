import gzip
import io
import zipfile
from pathlib import Path

import pytest

from cleannet.engines.feeds.records import FeedFormatError
from cleannet.engines.feeds.sources import Limits, choose_encoding, open_sources

TEXT = "name,city\nHà Nội,Đà Nẵng\n"


def _read(path: Path, **kwargs: object) -> list[str]:
    return [source.read_text() for source in open_sources(path, **kwargs)]  # type: ignore[arg-type]


def test_it_reads_utf8_with_and_without_a_bom(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(TEXT.encode())
    (tmp_path / "b.csv").write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    assert _read(tmp_path / "a.csv") == [TEXT]
    assert _read(tmp_path / "b.csv") == [TEXT]


def test_it_reads_a_latin1_file_as_latin1(tmp_path: Path) -> None:
    (tmp_path / "l.csv").write_bytes("name\nJosé Müller\n".encode("latin-1"))
    assert _read(tmp_path / "l.csv") == ["name\nJosé Müller\n"]


def test_it_keeps_a_multibyte_character_cut_by_the_sniff_window() -> None:
    head = b"a" * 65535 + "Đ".encode()[:1]
    assert choose_encoding(head) == "utf-8"


def test_it_reads_a_gzip_file_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "report.csv").write_bytes(gzip.compress(TEXT.encode()))
    (tmp_path / "report2.csv.gz").write_bytes(gzip.compress(TEXT.encode()))
    assert _read(tmp_path / "report.csv") == [TEXT]
    sources = list(open_sources(tmp_path / "report2.csv.gz"))
    assert sources[0].name == "report2.csv"


def test_it_names_each_member_of_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "feeds.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("one.csv", TEXT)
        archive.writestr("dir/two.csv", TEXT)
    sources = list(open_sources(path))
    assert [s.name for s in sources] == ["feeds.zip!one.csv", "feeds.zip!dir/two.csv"]
    assert [s.read_text() for s in sources] == [TEXT, TEXT]


def test_it_refuses_a_zip_inside_a_zip_but_reads_the_other_members(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("deep.csv", TEXT)
    path = tmp_path / "outer.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
        archive.writestr("plain.csv", TEXT)
    nested, plain = open_sources(path)
    with pytest.raises(FeedFormatError, match="archive inside an archive"):
        nested.read_text()
    assert plain.read_text() == TEXT


def test_it_stops_a_gzip_bomb_at_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "bomb.csv").write_bytes(gzip.compress(b"0" * 5_000_000))
    (source,) = open_sources(tmp_path / "bomb.csv", Limits(max_bytes=1_000_000))
    with pytest.raises(FeedFormatError, match="larger than 1000000 bytes"):
        source.read_text()


def test_it_refuses_a_zip_member_that_declares_too_many_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.csv", b"0" * 3_000_000)
    (source,) = open_sources(path, Limits(max_bytes=1_000_000))
    with pytest.raises(FeedFormatError, match="over the limit"):
        source.read_text()


def test_it_refuses_an_archive_with_too_many_members(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(5):
            archive.writestr(f"{number}.csv", TEXT)
    with pytest.raises(FeedFormatError, match="5 members"):
        list(open_sources(path, Limits(max_members=3)))


def test_it_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FeedFormatError, match="is not a file"):
        list(open_sources(tmp_path / "absent.csv"))
