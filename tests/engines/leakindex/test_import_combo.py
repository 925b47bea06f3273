"""Combo lists, ``identifier:password``: the identifier or the password of each line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cleannet.engines.leakindex import Kind, RangeStore, hash_identifier, import_file

Open = Callable[[Path], RangeStore]


def test_it_takes_the_identifier_before_the_first_separator(
    fixtures: Path, tmp_path: Path, opened: Open
) -> None:
    summary = import_file(fixtures / "combo.txt", Kind.EMAIL, tmp_path / "e.store", fmt="combo")

    assert (summary.read, summary.used, summary.bad, summary.skipped) == (7, 3, 2, 2)
    assert sorted((bad.line, bad.reason) for bad in summary.samples) == [
        (3, "has no @"),
        (4, "has no ':', ';' or tab between identifier and password"),
    ]
    store = opened(tmp_path / "e.store")
    assert store.count(hash_identifier(Kind.EMAIL, "nguyen.vana@gmail.com")) == 1
    assert store.count(hash_identifier(Kind.EMAIL, "le.c@example.com")) == 1


def test_it_takes_the_whole_password_after_the_separator(
    fixtures: Path, tmp_path: Path, opened: Open
) -> None:
    summary = import_file(
        fixtures / "combo.txt", Kind.PASSWORD_SHA1, tmp_path / "p.store", fmt="combo"
    )

    assert (summary.used, summary.bad, summary.skipped) == (5, 1, 1)
    store = opened(tmp_path / "p.store")
    assert store.count(hash_identifier(Kind.PASSWORD_SHA1, "hunter2")) == 2
    assert store.count(hash_identifier(Kind.PASSWORD_SHA1, "pass:with:colons")) == 1
    assert store.count(hash_identifier(Kind.PASSWORD_SHA1, "secret")) == 1


def test_it_reads_phone_numbers_of_a_combo_list(
    fixtures: Path, tmp_path: Path, opened: Open
) -> None:
    summary = import_file(fixtures / "combo.txt", Kind.PHONE, tmp_path / "p.store", fmt="combo")

    assert summary.used == 1
    assert opened(tmp_path / "p.store").count(hash_identifier(Kind.PHONE, "+84912345678")) == 1
