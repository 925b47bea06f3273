"""The generator's labels: fast Punycode, IDNA 2008 rules, registry IDN rules, the PSL, and
the homoglyph fuzzer's precomputed A-labels."""

from __future__ import annotations

import idna
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.engines.lookalike.fuzzers import glyph_table
from cleannet.engines.lookalike.glyphs import VIETNAMESE_FAMILIES, VIETNAMESE_LETTERS
from cleannet.engines.lookalike.homoglyphs import homoglyph_labels, swap_glyphs
from cleannet.engines.lookalike.labels import (
    ANY_LETTER,
    encode_label,
    idn_letters,
    public_children,
    punycode,
)

# ASCII, Vietnamese letters, other Latin, Cyrillic, CJK, and '?' (the fast path's marker).
ALPHABET = st.sampled_from(sorted(set("abcxyz09-?") | VIETNAMESE_LETTERS | set("ȧɑəñßжкѕ中文한")))


@given(st.text(ALPHABET, max_size=20))
def test_punycode_agrees_with_the_standard_library(label: str) -> None:
    assert punycode(label) == label.encode("punycode").decode("ascii")


@given(st.text(ALPHABET.filter(lambda char: char != "?"), min_size=1, max_size=20))
def test_encode_label_agrees_with_idna_2008(label: str) -> None:
    try:
        expected: str | None = idna.alabel(label).decode("ascii")
    except idna.IDNAError:
        expected = None
    if label.isascii() and expected is not None and label[2:4] == "--":
        expected = None
    assert encode_label(label) == expected


def test_encode_label_refuses_what_registries_refuse() -> None:
    assert encode_label("vietcombank") == "vietcombank"
    assert encode_label("viêtcombank") == "xn--vitcombank-n7a"
    for bad in ("", "-bank", "bank-", "ab--cd", "a" * 64, "bank_x", "Bank", "vi\u0301et"):
        assert encode_label(bad) is None, bad


def test_encode_label_measures_the_a_label_against_63_characters() -> None:
    # 60 letters fit as a U-label, but the A-label (xn-- + punycode) is longer.
    assert encode_label("ạ" + "a" * 59) is None
    assert encode_label("ạ" + "a" * 50) is not None


def test_the_vietnamese_alphabet_has_67_letters_beyond_ascii() -> None:
    assert len(VIETNAMESE_LETTERS) == 67
    assert len(VIETNAMESE_FAMILIES["a"]) == 18
    assert {"đ", "ự", "ỹ", "ậ"} <= VIETNAMESE_LETTERS


def test_the_vn_registry_takes_vietnamese_letters_only_directly_under_vn() -> None:
    assert idn_letters("vn") == VIETNAMESE_LETTERS
    for suffix in ("com.vn", "id.vn", "hanoi.vn"):
        assert not idn_letters(suffix) & VIETNAMESE_LETTERS
    assert idn_letters("com") is ANY_LETTER
    assert not idn_letters("uk") & {"á"}


def test_public_children_name_the_suffixes_below_a_suffix() -> None:
    assert public_children("vn").covers("com")
    assert public_children("vn").covers("id")
    assert not public_children("vn").covers("vietcombank")
    assert public_children("ck").covers("anything")
    assert not public_children("ck").covers("www")


@pytest.mark.parametrize(
    ("label", "suffix"),
    [
        ("thegioididong", "com"),
        ("shopee", "vn"),
        ("moonrnclae-x", "com"),
        ("ab-c--de", "com"),
        ("đienluc", "com"),
        ("vietcombank", "com.vn"),
    ],
)
def test_homoglyph_labels_are_two_rounds_of_swaps_with_right_a_labels(
    label: str, suffix: str
) -> None:
    glyphs = glyph_table(suffix)
    first = swap_glyphs(label, glyphs)
    expected = set(first) | {made for text in first for made in swap_glyphs(text, glyphs)}
    made = homoglyph_labels(label, glyphs)
    assert set(made) == expected
    for text, encoded in made.items():
        if encoded != "":
            assert encoded == encode_label(text), text
