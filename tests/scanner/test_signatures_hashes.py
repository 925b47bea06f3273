"""Hash IOCs: signature-base hash-iocs.txt, ClamAV .hdb/.hsb, allow-lists .fp/.sfp."""

from __future__ import annotations

import hashlib

from cleannet.scanner.signatures import FileHashes, HashSet

DATA = b"generated sample for the hash tests\n"
MD5 = hashlib.md5(DATA, usedforsecurity=False).hexdigest()
SHA1 = hashlib.sha1(DATA, usedforsecurity=False).hexdigest()
SHA256 = hashlib.sha256(DATA).hexdigest()


def hashes_of(data: bytes = DATA) -> FileHashes:
    return FileHashes(
        hashlib.sha256(data).hexdigest(),
        len(data),
        hashlib.md5(data, usedforsecurity=False).hexdigest(),
        hashlib.sha1(data, usedforsecurity=False).hexdigest(),
    )


def test_it_reads_the_three_hash_kinds_with_and_without_a_score() -> None:
    text = (
        "# Test hashes\n"
        f"{MD5};Sample by MD5\n"
        f"{SHA1.upper()};55;Sample by SHA-1; with a semicolon\n"
        f"\n{SHA256};Sample by SHA-256\n"
    )
    hashes = HashSet()
    assert hashes.load_signature_base(text, "hash-iocs.txt") == []
    found = {(kind, entry.name, entry.score) for kind, entry in hashes.lookup(hashes_of())}
    assert found == {
        ("md5", "Sample by MD5", 100),
        ("sha1", "Sample by SHA-1; with a semicolon", 55),
        ("sha256", "Sample by SHA-256", 100),
    }


def test_it_reports_a_bad_hash_line_with_its_number_and_goes_on() -> None:
    text = f"# c\nabc123;too short\nzz{MD5[2:]};not hex\n{SHA256};kept\n"
    hashes = HashSet()
    problems = hashes.load_signature_base(text, "hash-iocs.txt")
    assert [(p.line, "32, 40 or 64" in p.reason or "hex" in p.reason) for p in problems] == [
        (2, True),
        (3, True),
    ]
    assert "hash-iocs.txt:2" in str(problems[0])
    assert [e.name for _, e in hashes.lookup(hashes_of())] == ["kept"]


def test_it_matches_a_clamav_hash_only_at_its_file_size() -> None:
    hashes = HashSet()
    text = f"{MD5}:{len(DATA)}:Test.Right-Size\n{MD5}:1:Test.Wrong-Size\n{SHA256}:*:Test.Any:73\n"
    assert hashes.load_clamav(text, "t.hdb", allow=False) == []
    assert sorted(e.name for _, e in hashes.lookup(hashes_of())) == ["Test.Any", "Test.Right-Size"]


def test_it_refuses_a_clamav_line_with_a_bad_size_or_no_name() -> None:
    hashes = HashSet()
    problems = hashes.load_clamav(f"{MD5}:big:Name\n{MD5}:12:\n{MD5}\n", "t.hdb", allow=False)
    assert [p.line for p in problems] == [1, 2, 3]
    assert hashes.counts()["hashes"] == 0


def test_an_allow_listed_hash_is_known_good_whatever_the_file_name() -> None:
    hashes = HashSet()
    hashes.load_clamav(f"{SHA1}:{len(DATA)}:Good.File\n", "good.sfp", allow=True)
    assert hashes.is_allowed(hashes_of())
    assert not hashes.is_allowed(hashes_of(b"another file"))


def test_a_signature_base_falsepositive_file_fills_the_allow_list() -> None:
    hashes = HashSet()
    assert hashes.load_allow_list(f"# known good\n{SHA256};Our tool\n", "hash-fp.txt") == []
    assert hashes.is_allowed(hashes_of())
    assert hashes.needed_kinds() == {"sha256"}
