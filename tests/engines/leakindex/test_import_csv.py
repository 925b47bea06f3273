"""CSV dumps: a header row, the value column found by name or mapping, awkward rows counted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cleannet.engines.leakindex import (
    ImportFormatError,
    Kind,
    RangeStore,
    hash_identifier,
    import_file,
)

Open = Callable[[Path], RangeStore]


def test_it_reads_the_email_column_of_a_customer_table(
    fixtures: Path, tmp_path: Path, opened: Open
) -> None:
    summary = import_file(fixtures / "customers.csv", Kind.EMAIL, tmp_path / "e.store")

    assert (summary.read, summary.used, summary.bad, summary.skipped) == (10, 5, 3, 2)
    assert sorted((bad.line, bad.reason) for bad in summary.samples) == [
        (6, "has no @"),
        (7, "has 2 fields, the value is field 3"),
        (10, "has 2 @ signs, an address has one"),
    ]
    store = opened(tmp_path / "e.store")
    assert summary.records == {Kind.EMAIL: 4}
    assert store.count(hash_identifier(Kind.EMAIL, "nguyen.vana@gmail.com")) == 2
    assert store.count(hash_identifier(Kind.EMAIL, "tran.b@xn--bcher-kva.example")) == 1
    assert store.count(hash_identifier(Kind.EMAIL, "tranb@example.com")) == 1
    assert store.count(hash_identifier(Kind.EMAIL, "xn--bcher-kva.example@example.org")) == 1


def test_it_reads_the_phone_column_in_every_spelling(
    fixtures: Path, tmp_path: Path, opened: Open
) -> None:
    summary = import_file(fixtures / "customers.csv", Kind.PHONE, tmp_path / "p.store")

    assert (summary.read, summary.used, summary.bad, summary.skipped) == (10, 7, 2, 1)
    store = opened(tmp_path / "p.store")
    assert store.count(hash_identifier(Kind.PHONE, "+84912345678")) == 3
    assert store.count(hash_identifier(Kind.PHONE, "0362345678")) == 1  # was 01662345678
    assert store.count(hash_identifier(Kind.PHONE, "02438261234")) == 1
    assert len(store) == 5


def test_it_reads_the_column_a_mapping_names(tmp_path: Path, opened: Open) -> None:
    source = tmp_path / "dump.csv"
    source.write_text("uid,login,hits\n1,a@example.com,3\n2,b@example.com,x\n3,a@example.com,2\n")

    summary = import_file(
        source, Kind.EMAIL, tmp_path / "e.store", mapping={"value": "Login", "count": "hits"}
    )

    assert (summary.used, summary.bad) == (2, 1)
    assert summary.samples[0].reason == "the count is not a whole number"
    assert opened(tmp_path / "e.store").count(hash_identifier(Kind.EMAIL, "a@example.com")) == 5


def test_it_refuses_a_file_without_the_value_column_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "no-header.csv"
    source.write_text("nguyen@example.com,hunter2\ntran@example.com,letmein\n")

    with pytest.raises(ImportFormatError) as refused:
        import_file(source, Kind.EMAIL, tmp_path / "e.store")

    assert "nguyen" not in str(refused.value)  # a data row is never quoted back
    assert not (tmp_path / "e.store").exists()
    assert list(tmp_path.iterdir()) == [source]


def test_it_refuses_a_badly_encoded_cell_alone(tmp_path: Path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes(b"email\nok@example.com\nm\xe9lanie@example.fr\n")

    summary = import_file(source, Kind.EMAIL, tmp_path / "e.store")

    assert (summary.used, summary.bad) == (1, 1)
    assert (summary.samples[0].line, summary.samples[0].reason) == (3, "is not valid UTF-8")


def test_it_reads_an_empty_file_as_nothing(tmp_path: Path) -> None:
    source = tmp_path / "empty.csv"
    source.write_text("")

    summary = import_file(source, Kind.EMAIL, tmp_path / "e.store")

    assert summary.read == 0 and summary.records == {Kind.EMAIL: 0}
