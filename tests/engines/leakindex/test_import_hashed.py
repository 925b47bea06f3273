"""Already-hashed input: the Pwned Passwords downloader's HASH:COUNT lines, SHA-1 and NTLM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cleannet.engines.leakindex import Kind, RangeStore, import_file, import_files, password_hashes

Open = Callable[[Path], RangeStore]


def test_it_reads_hash_count_lines_into_the_store_of_their_width(
    fixtures: Path, tmp_path: Path, opened: Open
) -> None:
    outputs = {Kind.PASSWORD_SHA1: tmp_path / "s.store", Kind.PASSWORD_NTLM: tmp_path / "n.store"}

    summary = import_files([fixtures / "pwned-hashes.txt"], outputs, hashed=True)

    assert (summary.read, summary.used, summary.bad, summary.skipped) == (10, 6, 2, 2)
    assert sorted((bad.line, bad.reason) for bad in summary.samples) == [
        (5, "is not a hash of 32 or 40 hexadecimal digits"),
        (6, "the count after ':' is not a whole number"),
    ]
    assert summary.rows == {Kind.PASSWORD_SHA1: 5, Kind.PASSWORD_NTLM: 1}
    sha1 = opened(outputs[Kind.PASSWORD_SHA1])
    assert sha1.range("5BAA6") == [("1E4C9B93F3F0682250B6CF8331B7EE68FD8", 52580)]
    assert sha1.count(password_hashes("123456")[0]) == 37359195
    assert sha1.count(password_hashes("letmein")[0]) == 10  # lower-case hex
    assert sha1.count(password_hashes("dragon")[0]) == 1  # spaces around, no count
    assert len(sha1) == 4  # the count-0 padding line is not a hash seen
    assert opened(outputs[Kind.PASSWORD_NTLM]).count(password_hashes("password")[1]) == 250


def test_it_refuses_a_hash_of_a_width_no_store_takes(fixtures: Path, tmp_path: Path) -> None:
    summary = import_file(
        fixtures / "pwned-hashes.txt", Kind.PASSWORD_NTLM, tmp_path / "n.store", hashed=True
    )

    assert (summary.used, summary.bad, summary.skipped) == (1, 8, 1)
    assert summary.reasons["is not a hash of 32 hexadecimal digits"] == 7


def test_it_reads_hashed_email_addresses_from_csv(tmp_path: Path, opened: Open) -> None:
    source = tmp_path / "hashed.csv"
    digest = "A" * 40
    source.write_text(f"sha1,count\n{digest},2\n{digest.lower()},1\nnot-hex,1\n")

    summary = import_file(source, Kind.EMAIL, tmp_path / "e.store", hashed=True)

    assert (summary.used, summary.bad) == (2, 1)
    assert opened(tmp_path / "e.store").count(bytes.fromhex(digest)) == 3


def test_it_reads_a_large_downloaded_file_and_still_refuses_its_odd_lines(
    tmp_path: Path, opened: Open
) -> None:
    lines = [f"{i:040X}:{i + 1}" for i in range(20_000)]
    odd = {
        12_000: f"{'A' * 40}5123",  # no colon: a 44-digit value, not a hash with a count
        12_001: f"{'B' * 40}:+5",
        12_002: f"{'C' * 40}:1_000",
        12_003: f"{'D' * 40}:0",  # padding: skipped
    }
    for index, line in odd.items():
        lines[index] = line
    source = tmp_path / "range-download.txt"
    source.write_text("\r\n".join(lines) + "\r\n")

    summary = import_file(source, Kind.PASSWORD_SHA1, tmp_path / "s.store", hashed=True)

    assert (summary.read, summary.used, summary.bad, summary.skipped) == (20_000, 19_996, 3, 1)
    assert sorted(bad.line for bad in summary.samples) == [12_001, 12_002, 12_003]
    store = opened(tmp_path / "s.store")
    assert store.count(bytes.fromhex(f"{19_999:040X}")) == 20_000
    assert store.count(bytes.fromhex(f"{5:040X}")) == 6
    assert store.count(bytes.fromhex("B" * 40)) == 0
