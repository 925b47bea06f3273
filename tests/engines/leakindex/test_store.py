"""Reading a range store: ranges by 5 or 6 hex digits, single counts, refused files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cleannet.core.errors import InvalidValue
from cleannet.engines.leakindex import Kind, RangeStore, StoreFormatError, password_hashes

Make = Callable[..., RangeStore]
PASSWORD = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"


def test_it_answers_a_range_with_upper_case_suffixes_in_order(make_store: Make) -> None:
    store = make_store(
        [
            (PASSWORD, 3),
            ("5baa6" + "0" * 35, 1),
            ("5BAA6" + "F" * 35, 7),
            ("5BAA7" + "0" * 35, 2),  # the next prefix
            ("5BAA5" + "F" * 35, 2),  # the previous one
        ]
    )

    assert store.range("5baa6") == [
        ("0" * 35, 1),
        ("1E4C9B93F3F0682250B6CF8331B7EE68FD8", 3),
        ("F" * 35, 7),
    ]


def test_it_answers_an_empty_prefix_with_nothing(make_store: Make) -> None:
    store = make_store([PASSWORD])

    assert store.range("00000") == []
    assert store.range("FFFFF") == []
    assert store.range("5BAA5") == []


def test_it_answers_the_first_and_last_prefixes(make_store: Make) -> None:
    store = make_store(["0" * 40, "F" * 40])

    assert store.range("00000") == [("0" * 35, 1)]
    assert store.range("FFFFF") == [("F" * 35, 1)]
    assert len(store) == 2


def test_it_filters_a_five_hex_slice_by_the_sixth_digit(make_store: Make) -> None:
    hashes = [f"ABCDE{sixth}{'1' * 34}" for sixth in "0123456789ABCDEF"]
    store = make_store([*hashes, "ABCDE7" + "2" * 34], kind=Kind.EMAIL)

    assert store.range("abcde7") == [("1" * 34, 1), ("2" * 34, 1)]
    assert store.range("ABCDEF") == [("1" * 34, 1)]
    assert len(store.range("ABCDE")) == 17


def test_it_holds_ntlm_hashes_of_sixteen_bytes(make_store: Make) -> None:
    _, ntlm = password_hashes("password")
    store = make_store([(ntlm.hex(), 9)], kind=Kind.PASSWORD_NTLM)

    assert store.hash_bytes == 16
    assert store.range("8846F") == [("7EAEE8FB117AD06BDD830B7586C", 9)]
    assert store.count(ntlm) == 9


def test_it_counts_one_hash(make_store: Make) -> None:
    store = make_store([(PASSWORD, 52579), ("5BAA6" + "0" * 35, 1)])

    assert store.count(bytes.fromhex(PASSWORD)) == 52579
    assert store.count(bytes.fromhex("5BAA6" + "1" * 35)) == 0
    assert store.count(bytes(20)) == 0


@pytest.mark.parametrize("prefix", ["5BAA", "5BAA6G", "5BAA61E", " 5BAA", "0x5BA", "5_BAA"])
def test_it_refuses_a_prefix_that_is_not_five_or_six_hex_digits(
    make_store: Make, prefix: str
) -> None:
    store = make_store([PASSWORD])

    with pytest.raises(InvalidValue):
        store.range(prefix)


def test_it_refuses_a_hash_of_the_wrong_width(make_store: Make) -> None:
    store = make_store([PASSWORD])

    with pytest.raises(InvalidValue):
        store.count(bytes(16))


def test_it_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    junk = tmp_path / "junk.store"
    junk.write_bytes(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3\r\n" * 300_000)
    empty = tmp_path / "empty.store"
    empty.write_bytes(b"")

    with pytest.raises(StoreFormatError, match="magic"):
        RangeStore.open(junk)
    with pytest.raises(StoreFormatError, match="empty"):
        RangeStore.open(empty)


def test_it_refuses_a_store_cut_short(make_store: Make, tmp_path: Path) -> None:
    store = make_store([PASSWORD, "0" * 40])
    cut = tmp_path / "cut.store"
    cut.write_bytes(store.path.read_bytes()[:-10])

    with pytest.raises(StoreFormatError, match="cut short"):
        RangeStore.open(cut)


def test_it_closes_and_then_holds_nothing(make_store: Make) -> None:
    store = make_store([PASSWORD])
    with store:
        assert store.range("5BAA6")

    assert len(store) == 0
    assert store.range("5BAA6") == []
