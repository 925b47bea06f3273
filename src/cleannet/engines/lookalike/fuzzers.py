"""The fuzzers: one small function per way of making a lookalike of a domain.

Each fuzzer takes a ``Target`` (the brand's label in Unicode, its public suffix, the lure
words, the suffixes to try, the homoglyph table, whether to keep to the registry's IDN rules)
and returns candidates in ``Batch``es: a suffix and the Unicode texts to put left of it (one
label, or two for ``subdomain``). Candidates may repeat, be the original, be invalid or be
refused by the registry: the generator (``generator.py``) encodes, checks, flags and
deduplicates them.

The first sixteen are dnstwist's fuzzers with the same output or more (a position dnstwist
skips is tried here; ``cyrillic`` keeps digits and hyphens; ``homoglyph`` lives in
``homoglyphs.py`` and hands over its A-labels too); ``homoglyph-vi`` (Vietnamese letters)
and ``dictionary-tld`` (brand + lure word under every cheap suffix) are ours.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from cleannet.engines.lookalike.glyphs import (
    ASCII_GLYPHS,
    CYRILLIC,
    KEYBOARDS,
    LDH,
    UNICODE_GLYPHS,
    VIETNAMESE_LETTERS,
    family_of,
)
from cleannet.engines.lookalike.homoglyphs import homoglyph_labels
from cleannet.engines.lookalike.labels import ANY_LETTER, encode_label, idn_letters

__all__ = ["FUZZERS", "Batch", "Candidates", "Fuzzer", "Target", "glyph_table"]

_ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyz"
_VOWELS = "aeiou"
_BIT_MASKS = (1, 2, 4, 8, 16, 32, 64, 128)


@dataclass(frozen=True, slots=True)
class Target:
    """What the fuzzers work on: ``label`` (Unicode, ``vietcombank``) under ``suffix`` (ASCII,
    ``com.vn``), the lure ``words``, the ``tlds`` to swap in, ``glyphs``, the homoglyph table
    (one- and two-character keys, see ``glyph_table``), and whether the fuzzers keep to the
    ``registry_rules`` (make only IDN labels the suffix's registry issues)."""

    label: str
    suffix: str
    words: tuple[str, ...]
    tlds: tuple[str, ...]
    glyphs: Mapping[str, tuple[str, ...]]
    registry_rules: bool = True


@dataclass(frozen=True, slots=True)
class Batch:
    """Candidates under one ``suffix`` (ASCII): the Unicode texts to put left of it and,
    when the fuzzer computed them, their ``encoded`` A-labels in the same order (``None``:
    invalid; ``""``: not computed)."""

    suffix: str
    lefts: Sequence[str]
    encoded: Sequence[str | None] = ()


Candidates = Sequence[Batch]
Fuzzer = Callable[[Target], Candidates]


def _under(suffix: str, lefts: Sequence[str]) -> Candidates:
    return [Batch(suffix, lefts)]


def glyph_table(suffix: str, *, registry_rules: bool = True) -> Mapping[str, tuple[str, ...]]:
    """Return the homoglyph table for labels under ``suffix``: ASCII lookalikes always, and the
    Unicode ones valid in IDNA 2008 that the suffix's registry accepts (Vietnamese letters only
    under ``vn``, none under ``com.vn``), or all of them when not ``registry_rules``."""
    return _glyph_table(idn_letters(suffix) if registry_rules else ANY_LETTER)


@functools.cache
def _glyph_table(letters: frozenset[str]) -> Mapping[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for source in (ASCII_GLYPHS, UNICODE_GLYPHS):
        for key, glyphs in source.items():
            kept = [g for g in glyphs if _registrable_glyph(g, letters)]
            if kept:
                table.setdefault(key, []).extend(kept)
    return {key: tuple(dict.fromkeys(glyphs)) for key, glyphs in table.items()}


def _registrable_glyph(glyph: str, letters: frozenset[str]) -> bool:
    if glyph.isascii():
        return True
    if letters is not ANY_LETTER and not set(glyph) <= letters:
        return False
    # Homoglyph A-labels are computed on the assumption that every glyph is valid IDNA 2008.
    return encode_label("a" + glyph + "a") is not None


def addition(target: Target) -> Candidates:
    """A letter or digit appended to the label, and before each of its hyphens."""
    label = target.label
    made = [label + char for char in _ALPHANUMERIC]
    parts = label.split("-")
    for cut in range(1, len(parts)):
        head, tail = "-".join(parts[:cut]), "-".join(parts[cut:])
        made += [head + char + "-" + tail for char in _ALPHANUMERIC]
    return _under(target.suffix, made)


def bitsquatting(target: Target) -> Candidates:
    """One bit of one character flipped, where the result is still a host name character."""
    label = target.label
    made = [
        label[:i] + flipped + label[i + 1 :]
        for i, char in enumerate(label)
        for mask in _BIT_MASKS
        if (flipped := chr(ord(char) ^ mask)) in LDH
    ]
    return _under(target.suffix, made)


def cyrillic(target: Target) -> Candidates:
    """Every letter written with its Cyrillic lookalike, when every letter has one."""
    label = target.label
    if any(char.isalpha() and char not in CYRILLIC for char in label):
        return ()
    return _under(target.suffix, ["".join(CYRILLIC.get(char, char) for char in label)])


def homoglyph(target: Target) -> Candidates:
    """One or two lookalike characters swapped in (``m`` -> ``rn``, ``a`` -> ``ạ``), from the
    target's glyph table, with their A-labels (see ``homoglyphs``)."""
    made = homoglyph_labels(target.label, target.glyphs)
    return [Batch(target.suffix, list(made), list(made.values()))]


def _vietnamese_swaps(label: str) -> list[str]:
    families = [(i, family_of(char)) for i, char in enumerate(label)]
    spots = [(i, [v for v in family if v != label[i]]) for i, family in families if family]
    made = [label[:i] + v + label[i + 1 :] for i, others in spots for v in others]
    for n, (i, first) in enumerate(spots):
        for j, second in spots[n + 1 :]:
            middle = label[i + 1 : j]
            made += [label[:i] + v + middle + w + label[j + 1 :] for v in first for w in second]
    return made


def homoglyph_vi(target: Target) -> Candidates:
    """One or two Vietnamese letters changed for another of the same base (``e`` -> ``ẹ ê ệ``,
    ``d`` -> ``đ``), under the suffix (with the ``registry_rules``, only when its registry
    takes Vietnamese letters), and under ``vn`` (the one .vn suffix that does) for a brand
    under ``com.vn`` and the like."""
    takes = not target.registry_rules or _takes_vietnamese(target.suffix)
    suffixes = [target.suffix] if takes else []
    if target.suffix.endswith(".vn"):
        suffixes.append("vn")
    if not suffixes:
        return ()
    made = _vietnamese_swaps(target.label)
    return [Batch(suffix, made) for suffix in suffixes]


def _takes_vietnamese(suffix: str) -> bool:
    letters = idn_letters(suffix)
    return letters is ANY_LETTER or letters >= VIETNAMESE_LETTERS


def hyphenation(target: Target) -> Candidates:
    """A hyphen inserted between two characters."""
    label = target.label
    return _under(target.suffix, [label[:i] + "-" + label[i:] for i in range(1, len(label))])


def insertion(target: Target) -> Candidates:
    """A neighbouring key (QWERTY, QWERTZ, AZERTY) typed before or after a character."""
    label = target.label
    made: list[str] = []
    for i, char in enumerate(label):
        head, tail = label[:i], label[i + 1 :]
        for keys in {key for keyboard in KEYBOARDS for key in keyboard.get(char, "")}:
            made += [head + keys + char + tail, head + char + keys + tail]
    return _under(target.suffix, made)


def omission(target: Target) -> Candidates:
    """One character left out."""
    label = target.label
    return _under(target.suffix, [label[:i] + label[i + 1 :] for i in range(len(label))])


def plural(target: Target) -> Candidates:
    """An ``s`` (``es`` after s, x, z) added after a character from the third on."""
    label = target.label
    made = [
        label[: i + 1] + ("es" if label[i] in "sxz" else "s") + label[i + 1 :]
        for i in range(2, len(label))
    ]
    return _under(target.suffix, made)


def repetition(target: Target) -> Candidates:
    """One character typed twice."""
    label = target.label
    return _under(target.suffix, [label[:i] + char + label[i:] for i, char in enumerate(label)])


def replacement(target: Target) -> Candidates:
    """One character replaced by a neighbouring key (QWERTY, QWERTZ, AZERTY)."""
    label = target.label
    made = [
        label[:i] + key + label[i + 1 :]
        for i, char in enumerate(label)
        for keyboard in KEYBOARDS
        for key in keyboard.get(char, "")
    ]
    return _under(target.suffix, made)


def subdomain(target: Target) -> Candidates:
    """A dot inserted, so that the brand's tail becomes a registrable domain and its head a
    host name under it (``vietcom.bank.com.vn``)."""
    label = target.label
    made = [
        label[:i] + "." + label[i:]
        for i in range(1, len(label))
        if label[i] != "-" and label[i - 1] != "-"
    ]
    return _under(target.suffix, made)


def transposition(target: Target) -> Candidates:
    """Two neighbouring characters swapped."""
    label = target.label
    made = [label[:i] + label[i + 1] + label[i] + label[i + 2 :] for i in range(len(label) - 1)]
    return _under(target.suffix, made)


def vowel_swap(target: Target) -> Candidates:
    """One vowel replaced by another."""
    label = target.label
    made = [
        label[:i] + vowel + label[i + 1 :]
        for i, char in enumerate(label)
        if char in _VOWELS
        for vowel in _VOWELS
    ]
    return _under(target.suffix, made)


def _dictionary_labels(target: Target) -> list[str]:
    label = target.label
    made: list[str] = []
    for word in target.words:
        if not (label.startswith(word) and label.endswith(word)):
            made += [label + "-" + word, label + word, word + "-" + label, word + label]
    if "-" in label:
        head, tail = label.rsplit("-", 1)[0], label.split("-", 1)[1]
        for word in target.words:
            made += [head + "-" + word, word + "-" + tail]
    return made


def dictionary(target: Target) -> Candidates:
    """A lure word glued before or after the label, with or without a hyphen (and in place of
    the first or last part of a hyphenated label)."""
    return _under(target.suffix, _dictionary_labels(target))


def dictionary_tld(target: Target) -> Candidates:
    """The ``dictionary`` labels under every other suffix of the list (``vietcombank-cskh.top``,
    ``dangnhapvietcombank.id.vn``)."""
    made = _dictionary_labels(target)
    return [Batch(tld, made) for tld in target.tlds if tld != target.suffix]


def tld_swap(target: Target) -> Candidates:
    """The label under every other suffix of the list."""
    return [Batch(tld, [target.label]) for tld in target.tlds if tld != target.suffix]


def various(target: Target) -> Candidates:
    """Suffix games: ``com.vn`` cut to ``vn`` or glued to the label (``vietcombankcom.vn``),
    a one-label suffix glued on and moved under ``com`` (``shopeevn.com``, ``shopee-vn.com``)."""
    label, suffix = target.label, target.suffix
    if "." in suffix:
        head, rest = suffix.split(".", 1)
        return [Batch(suffix.rsplit(".", 1)[1], [label]), Batch(rest, [label + head])]
    made = [Batch(suffix, [label + suffix])]
    if suffix != "com":
        made.append(Batch("com", [label + "-" + suffix, label + suffix]))
    return made


FUZZERS: Mapping[str, Fuzzer] = {
    "addition": addition,
    "bitsquatting": bitsquatting,
    "cyrillic": cyrillic,
    "homoglyph": homoglyph,
    "hyphenation": hyphenation,
    "insertion": insertion,
    "omission": omission,
    "plural": plural,
    "repetition": repetition,
    "replacement": replacement,
    "subdomain": subdomain,
    "transposition": transposition,
    "vowel-swap": vowel_swap,
    "dictionary": dictionary,
    "tld-swap": tld_swap,
    "various": various,
    "homoglyph-vi": homoglyph_vi,
    "dictionary-tld": dictionary_tld,
}
"""Every fuzzer by name, in the order the generator runs them (a name made by two fuzzers is
credited to the first)."""
