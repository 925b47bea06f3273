"""JSON Lines exports: one object per line, the value found by key or a dotted mapping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cleannet.engines.leakindex import Kind, RangeStore, hash_identifier, import_file

Open = Callable[[Path], RangeStore]


def test_it_reads_a_nested_email_key(fixtures: Path, tmp_path: Path, opened: Open) -> None:
    summary = import_file(
        fixtures / "accounts.jsonl",
        Kind.EMAIL,
        tmp_path / "e.store",
        mapping={"value": "user.email"},
    )

    assert (summary.read, summary.used, summary.bad, summary.skipped) == (9, 3, 4, 2)
    assert sorted((bad.line, bad.reason) for bad in summary.samples) == [
        (4, "the value is a JSON list, not text"),
        (5, "is not valid JSON"),
        (6, "is JSON but not an object"),
        (9, "has no @"),
    ]
    store = opened(tmp_path / "e.store")
    assert store.count(hash_identifier(Kind.EMAIL, "minh.pham@example.vn")) == 2
    assert store.count(hash_identifier(Kind.EMAIL, "hoa@bücher.example")) == 1


def test_it_reads_a_phone_number_written_as_a_json_number(
    fixtures: Path, tmp_path: Path, opened: Open
) -> None:
    summary = import_file(
        fixtures / "accounts.jsonl",
        Kind.PHONE,
        tmp_path / "p.store",
        mapping={"value": "user.phone"},
    )

    assert (summary.used, summary.bad, summary.skipped) == (1, 2, 6)
    assert opened(tmp_path / "p.store").count(hash_identifier(Kind.PHONE, "0912000111")) == 1


def test_it_finds_a_top_level_key_by_its_usual_names(tmp_path: Path, opened: Open) -> None:
    source = tmp_path / "users.ndjson"
    source.write_text('{"id": 1, "Password": "hunter2"}\n{"id": 2, "pass": "hunter2"}\n{"id": 3}\n')

    summary = import_file(source, Kind.PASSWORD_SHA1, tmp_path / "s.store")

    assert (summary.used, summary.skipped) == (2, 1)
    assert opened(tmp_path / "s.store").count(hash_identifier(Kind.PASSWORD_SHA1, "hunter2")) == 2
