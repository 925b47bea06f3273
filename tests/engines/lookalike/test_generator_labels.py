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
from cleannet.engines.lookalike.punycode import double_and_one, double_wide

# ASCII, Vietnamese letters, other Latin, Cyrillic, CJK, and '?' (the fast path's marker).
PLAIN_LETTERS = VIETNAMESE_LETTERS | set("ȧɑəñßжкѕ中文한")
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


@given(
    st.text(st.sampled_from("abc09-"), max_size=12),
    st.data(),
    st.lists(st.sampled_from(sorted(PLAIN_LETTERS)), min_size=1, max_size=3),
    st.lists(st.sampled_from(sorted(PLAIN_LETTERS)), min_size=1, max_size=3),
)
def test_doubled_letters_are_encoded_in_closed_form(
    basic: str, data: st.DataObject, doubled: list[str], singles: list[str]
) -> None:
    place = data.draw(st.integers(0, len(basic)))
    codes = [ord(char) for char in doubled]
    expected = [puny_label(basic[:place] + char * 2 + basic[place:]) for char in doubled]
    assert double_wide(basic, place, codes) == expected
    other_place = data.draw(
        st.sampled_from([i for i in range(len(basic) + 3) if i - place not in (0, 1)])
    )
    made = iter(double_and_one(basic, place, codes, other_place, [ord(char) for char in singles]))
    for char in doubled:
        for single in singles:
            rest = iter(basic)
            text = "".join(
                char if i in (place, place + 1) else single if i == other_place else next(rest)
                for i in range(len(basic) + 3)
            )
            assert next(made) == ("" if single == char else puny_label(text)), text


def puny_label(text: str) -> str | None:
    encoded = "xn--" + text.encode("punycode").decode("ascii")
    return encoded if len(encoded) <= 63 else None


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
    ("label", "suffix", "registry_rules"),
    [
        ("thegioididong", "com", True),
        ("shopee", "vn", True),
        ("shopee", "vn", False),
        ("mbbank", "com.vn", False),
        ("moonrnclae-x", "com", True),
        ("ab-c--de", "com", True),
        ("đienluc", "com", True),
        ("vietcombank", "com.vn", True),
        ("vietcombank", "com.vn", False),
    ],
)
def test_homoglyph_labels_are_two_rounds_of_swaps_with_right_a_labels(
    label: str, suffix: str, registry_rules: bool
) -> None:
    glyphs = glyph_table(suffix, registry_rules=registry_rules)
    first = swap_glyphs(label, glyphs)
    expected = set(first) | {made for text in first for made in swap_glyphs(text, glyphs)}
    made = homoglyph_labels(label, glyphs)
    assert set(made) == expected
    for text, encoded in made.items():
        if encoded != "":
            assert encoded == encode_label(text), text
