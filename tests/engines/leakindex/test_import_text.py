"""Plain-text password lists: every line is a password, hashed both ways in one read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cleannet.engines.leakindex import (
    BadRow,
    Kind,
    RangeStore,
    hash_identifier,
    import_file,
    import_files,
    password_hashes,
)

Open = Callable[[Path], RangeStore]


def sha1(password: str) -> bytes:
    return hash_identifier(Kind.PASSWORD_SHA1, password)


def test_it_reads_every_line_of_a_password_list_as_a_password(
    fixtures: Path, tmp_path: Path, opened: Open
) -> None:
    outputs = {
        Kind.PASSWORD_SHA1: tmp_path / "sha1.store",
        Kind.PASSWORD_NTLM: tmp_path / "nt.store",
    }

    summary = import_files([fixtures / "passwords.txt"], outputs)

    assert (summary.read, summary.used, summary.bad, summary.skipped) == (12, 10, 1, 1)
    assert summary.read == summary.used + summary.bad + summary.skipped
    assert summary.samples == [BadRow("passwords.txt", 9, "is not valid UTF-8")]
    assert summary.records == {Kind.PASSWORD_SHA1: 8, Kind.PASSWORD_NTLM: 8}
    assert summary.duplicates(Kind.PASSWORD_SHA1) == 2
    store = opened(outputs[Kind.PASSWORD_SHA1])
    assert store.count(sha1("password")) == 2
    assert store.count(sha1("123456")) == 2  # the last line has no line break
    assert store.count(sha1("# not a comment, a password")) == 1
    assert store.count(sha1("  spaces around  ")) == 1
    assert store.count(sha1("mậtkhẩu2024")) == 1
    assert store.count(sha1("Password")) == 1
    assert store.count(sha1("dos-line")) == 1  # CRLF removed, nothing more
    assert store.count(sha1("trailing-tab\t")) == 1
    ntlm = opened(outputs[Kind.PASSWORD_NTLM])
    assert ntlm.count(password_hashes("password")[1]) == 2
    assert ntlm.range("8846F") == [("7EAEE8FB117AD06BDD830B7586C", 2)]


def test_it_imports_into_one_password_kind(fixtures: Path, tmp_path: Path, opened: Open) -> None:
    summary = import_file(fixtures / "passwords.txt", Kind.PASSWORD_NTLM, tmp_path / "nt.store")

    assert summary.records == {Kind.PASSWORD_NTLM: 8}
    assert opened(tmp_path / "nt.store").kind is Kind.PASSWORD_NTLM


def test_it_refuses_an_overlong_line_without_holding_it(tmp_path: Path, opened: Open) -> None:
    source = tmp_path / "dump.txt"
    source.write_bytes(b"first\n" + b"x" * 3_000_000 + b"\nlast\n" + b"y" * 2000 + b"\n")

    summary = import_file(source, Kind.PASSWORD_SHA1, tmp_path / "s.store")

    assert (summary.read, summary.used, summary.bad) == (4, 2, 2)
    assert [(bad.line, bad.reason) for bad in summary.samples] == [
        (2, "the line is over 1048576 bytes"),
        (4, "the value is over 1024 characters"),
    ]
    assert opened(tmp_path / "s.store").count(sha1("last")) == 1


def test_it_numbers_lines_across_blocks(tmp_path: Path) -> None:
    source = tmp_path / "big.txt"
    lines = [f"password{i}".encode() for i in range(100_000)]
    lines[77_777] = b"\xff\xfe broken"
    source.write_bytes(b"\r\n".join(lines) + b"\r\n")

    summary = import_file(source, Kind.PASSWORD_SHA1, tmp_path / "s.store")

    assert (summary.read, summary.used, summary.bad) == (100_000, 99_999, 1)
    assert summary.samples == [BadRow("big.txt", 77_778, "is not valid UTF-8")]
    assert summary.records[Kind.PASSWORD_SHA1] == 99_999


def test_it_reports_progress_in_rows_read(fixtures: Path, tmp_path: Path) -> None:
    seen: list[int] = []

    import_file(
        fixtures / "passwords.txt", Kind.PASSWORD_SHA1, tmp_path / "s.store", progress=seen.append
    )

    assert seen[-1] == 12
