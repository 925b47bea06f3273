"""Labels the generator may emit: fast IDNA encoding, registry IDN rules, public suffixes.

The generator makes tens of thousands of candidate labels per domain; checking each with the
``idna`` package alone would cost more than making them. This module keeps the exact rules
and makes the common case cheap:

- ``encode_label(label)`` returns the A-label (``xn--…``) of a candidate, or ``None`` when
  no registry could issue it: empty or over 63 characters, a leading or trailing hyphen,
  ``--`` in the 3rd and 4th positions, a code point IDNA 2008 refuses. A label made only of
  letters that are valid IDNA 2008 on their own (checked once per character with ``idna``)
  is encoded by the Punycode below; any other label goes through ``idna.alabel`` itself.
  ``LabelEncoder`` is a per-run cache of it.
- ``one_wide`` / ``two_wide``: A-labels of rows of labels whose non-ASCII letters' places
  are known (the homoglyph fuzzer's), without looking at the labels at all.
- ``idn_letters(suffix)``: which non-ASCII letters a registry accepts under a suffix. The .vn
  registry issues IDN labels only directly under ``vn`` and only with Vietnamese letters,
  never under ``com.vn`` and the other second-level suffixes; registries that issue no Latin
  IDN (``uk``, ``nl``, ``us``, ``jp``, ``cn`` …) accept none; generic TLDs accept any.
- ``public_children(suffix)``: the labels that make ``label.suffix`` itself a public suffix
  (``com`` under ``vn``), which nobody can register; read from the Public Suffix List file
  shipped in ``publicsuffixlist`` (the copy core uses), never fetched.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import idna
import publicsuffixlist

from cleannet.engines.lookalike.glyphs import LDH, VIETNAMESE_LETTERS

__all__ = [
    "ANY_LETTER",
    "LabelEncoder",
    "SuffixChildren",
    "encode_label",
    "idn_letters",
    "one_wide",
    "public_children",
    "punycode",
    "two_wide",
]

MAX_LABEL = 63
ANY_LETTER: frozenset[str] = frozenset()
"""Returned by ``idn_letters`` for a suffix that accepts any IDNA-valid letter."""

# Registries that issue no Latin-script IDN labels (Latin letters with marks are refused).
_NO_LATIN_IDN = frozenset(
    [
        "ad",
        "cz",
        "sk",
        "uk",
        "co.uk",
        "nl",
        "edu",
        "gov",
        "mil",
        "us",
        "jp",
        "co.jp",
        "ne.jp",
        "ad.jp",
        "cn",
        "com.cn",
        "tw",
        "com.tw",
        "net.tw",
    ]
)
_NO_IDN: frozenset[str] = frozenset({"\x00"})  # a set no real letter is in

_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"


def _adapt(delta: int, points: int, first: bool) -> int:
    # RFC 3492 section 6.1, with base 36, tmin 1, tmax 26, skew 38, damp 700.
    delta = delta // 700 if first else delta // 2
    delta += delta // points
    k = 0
    while delta > 455:
        delta //= 35
        k += 36
    return k + (36 * delta) // (delta + 38)


def _digits(delta: int, bias: int) -> str:
    # The generalised variable-length integer of RFC 3492 section 6.3.
    out = []
    k = 36
    while True:
        t = k - bias
        t = 1 if t < 1 else 26 if t > 26 else t
        if delta < t:
            out.append(_DIGITS[delta])
            return "".join(out)
        out.append(_DIGITS[t + (delta - t) % (36 - t)])
        delta = (delta - t) // (36 - t)
        k += 36


class _DigitCache(dict[int, str]):
    # Keyed by delta << 10 | bias (a bias stays far below 1024 for any label length).
    def __missing__(self, key: int) -> str:
        digits = self[key] = _digits(key >> 10, key & 1023)
        return digits


_DIGIT_CACHE = _DigitCache()


def punycode(label: str) -> str:
    """Return the RFC 3492 Punycode of ``label`` (without ``xn--``), exactly as
    ``str.encode('punycode')`` does, about three times faster.

    Lookalike labels hold one or two non-ASCII characters, so those cases are computed in
    closed form; the general case walks only the non-ASCII characters (the ASCII ones between
    two of them are all smaller than the code point being inserted: counted, not visited).
    """
    basic = label.encode("ascii", "ignore").decode("ascii")
    size = len(basic)
    wide = len(label) - size
    if wide == 0:
        return basic + "-" if basic else ""
    head = basic + "-" if basic else ""
    if wide > 2 or "?" in label:
        return head + _punycode_general(label, size)
    # Encoding with 'replace' marks each non-ASCII character with '?', found by C searches.
    marked = label.encode("ascii", "replace")
    first = marked.find(63)
    code = ord(label[first])
    if wide == 1:
        return head + _DIGIT_CACHE[((code - 128) * (size + 1) + first) << 10 | 72]
    second = marked.find(63, first + 1)
    return head + _two_wide(len(label), size, first, code, second, ord(label[second]))


def _two_wide(length: int, size: int, first: int, code: int, second: int, other: int) -> str:
    # RFC 3492's loop unrolled for two non-ASCII characters at first < second in a label of
    # ``length`` characters, ``size`` of them ASCII.
    if code == other:
        delta = (code - 128) * (size + 1) + first
        then = second - first - 1
    elif code < other:
        delta = (code - 128) * (size + 1) + first
        then = length - first - 1 + (other - code - 1) * (size + 2) + second
    else:
        delta = (other - 128) * (size + 1) + second - 1
        then = length - second + (code - other - 1) * (size + 2) + first
    bias = _adapt(delta, size + 1, True)
    return _DIGIT_CACHE[delta << 10 | 72] + _DIGIT_CACHE[then << 10 | bias]


def one_wide(basic: str, place: int, codes: Sequence[int]) -> list[str | None]:
    """Return the A-labels of the ASCII ``basic`` with one letter inserted at ``place``, for
    each code point of ``codes`` (``None`` for one over 63 characters). The caller vouches
    that the labels are otherwise valid (see ``encode_label``): this is the homoglyph
    fuzzer's shortcut, one call for a whole row of glyphs."""
    size = len(basic)
    head = "xn--" + basic + "-" if size else "xn--"
    digits = _DIGIT_CACHE
    made = [head + digits[((code - 128) * (size + 1) + place) << 10 | 72] for code in codes]
    return [label if len(label) <= MAX_LABEL else None for label in made]


def two_wide(
    basic: str, first: int, second: int, codes: Sequence[int], others: Sequence[int]
) -> list[str | None]:
    """Return the A-labels of the ASCII ``basic`` with letters inserted at ``first`` and
    ``second`` (their places in the result, ``first < second``), for each code point of
    ``codes`` at ``first`` and, within it, each of ``others`` at ``second``; ``None`` for one
    over 63 characters. The caller vouches for the rest, as for ``one_wide``."""
    size = len(basic)
    length = size + 2
    head = "xn--" + basic + "-" if size else "xn--"
    digits = _DIGIT_CACHE
    made: list[str | None] = []
    for code in codes:
        for other in others:
            # RFC 3492's loop unrolled for two insertions (see _two_wide), adapt() inlined.
            if code == other:
                delta = (code - 128) * (size + 1) + first
                then = second - first - 1
            elif code < other:
                delta = (code - 128) * (size + 1) + first
                then = length - first - 1 + (other - code - 1) * (size + 2) + second
            else:
                delta = (other - 128) * (size + 1) + second - 1
                then = length - second + (code - other - 1) * (size + 2) + first
            scaled = delta // 700
            scaled += scaled // (size + 1)
            k = 0
            while scaled > 455:
                scaled //= 35
                k += 36
            bias = k + (36 * scaled) // (scaled + 38)
            label = head + digits[delta << 10 | 72] + digits[then << 10 | bias]
            made.append(label if len(label) <= MAX_LABEL else None)
    return made


def _punycode_general(label: str, size: int) -> str:
    wide = [(place, ord(char)) for place, char in enumerate(label) if char > "\x7f"]
    out = []
    handled = size
    code, delta, bias = 128, 0, 72
    for point in sorted({point for _, point in wide}):
        delta += (point - code) * (handled + 1)
        code = point
        last = 0
        for place, other in wide:
            delta += place - last
            last = place + 1
            if other < point:
                delta += 1
            elif other == point:
                out.append(_DIGIT_CACHE[delta << 10 | bias])
                bias = _adapt(delta, handled + 1, handled == size)
                delta = 0
                handled += 1
        delta += len(label) - last + 1
        code += 1
    return "".join(out)


@functools.cache
def _is_plain_letter(char: str) -> bool:
    # A letter that is IDNA 2008 PVALID on its own, left-to-right, NFC, not combining: a label
    # of such letters and LDH needs no contextual, bidi or normalisation check beyond this.
    if unicodedata.combining(char) or unicodedata.bidirectional(char) != "L":
        return False
    if not unicodedata.category(char).startswith("L"):
        return False
    if not unicodedata.is_normalized("NFC", char):
        return False
    try:
        idna.alabel(char)
    except idna.IDNAError:
        return False
    return True


# LDH and every letter found plain so far: most labels are checked by one C-level subset test.
_PLAIN = set(LDH)


def _all_plain(label: str) -> bool:
    for char in label:
        if char not in _PLAIN:
            if not _is_plain_letter(char):
                return False
            _PLAIN.add(char)
    return True


class LabelEncoder(dict[str, str | None]):
    """A per-run cache of ``encode_label``: ``encoder[label]`` is the A-label of ``label`` or
    ``None`` (the same label recurs under many suffixes and from several fuzzers)."""

    def __missing__(self, label: str) -> str | None:
        answer = self[label] = encode_label(label)
        return answer


def encode_label(label: str) -> str | None:
    """Return the A-label of ``label`` (itself when ASCII), or ``None`` if no registry could
    issue it. ``label`` holds lower-case LDH characters and letters; anything else is refused.
    """
    if not label or label[0] == "-" or label[-1] == "-" or label[2:4] == "--":
        return None
    if label.isascii():
        return label if len(label) <= MAX_LABEL and LDH.issuperset(label) else None
    if not (_PLAIN.issuperset(label) or _all_plain(label)):
        return _encode_with_idna(label)
    # punycode()'s one- and two-character cases inlined: this runs for every IDN candidate.
    marked = label.encode("ascii", "replace")  # plain letters hold no real '?'
    basic = marked.replace(b"?", b"").decode("ascii")
    size = len(basic)
    head = "xn--" + basic + "-" if size else "xn--"
    wide = len(label) - size
    if wide == 1:
        first = marked.find(63)
        encoded = head + _DIGIT_CACHE[((ord(label[first]) - 128) * (size + 1) + first) << 10 | 72]
    elif wide == 2:
        first = marked.find(63)
        second = marked.find(63, first + 1)
        code, other = ord(label[first]), ord(label[second])
        encoded = head + _two_wide(len(label), size, first, code, second, other)
    else:
        encoded = head + _punycode_general(label, size)
    return encoded if len(encoded) <= MAX_LABEL else None


def _encode_with_idna(label: str) -> str | None:
    try:
        encoded = idna.alabel(label).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None
    return encoded if len(encoded) <= MAX_LABEL else None


def idn_letters(suffix: str) -> frozenset[str]:
    """Return the non-ASCII letters allowed in a label directly under ``suffix`` (ASCII): the
    Vietnamese letters under ``vn``, none under another ``.vn`` suffix or a registry without
    Latin IDN, ``ANY_LETTER`` (the empty set, meaning no restriction) under the others."""
    if suffix == "vn":
        return VIETNAMESE_LETTERS
    if suffix.endswith(".vn") or suffix in _NO_LATIN_IDN:
        return _NO_IDN
    return ANY_LETTER


@dataclass(frozen=True, slots=True)
class SuffixChildren:
    """The labels ``L`` for which ``L.suffix`` is itself a public suffix: ``names``, or every
    label when ``wildcard`` (a ``*.suffix`` rule) except ``exceptions`` (``!L.suffix``)."""

    names: frozenset[str] = frozenset()
    wildcard: bool = False
    exceptions: frozenset[str] = frozenset()

    def covers(self, label: str) -> bool:
        """Return whether ``label.suffix`` is a public suffix, so nobody can register it."""
        if label in self.names:
            return True
        return self.wildcard and label not in self.exceptions


@functools.cache
def _suffix_rules() -> dict[str, list[str]]:
    # Every rule filed under its parent: 'com.vn' under 'vn', '*.ck' under 'ck'.
    parents: dict[str, list[str]] = {}
    with open(publicsuffixlist.PSLFILE, encoding="utf-8") as handle:
        for line in handle:
            rule = line.strip().split(" ")[0].lower()
            if not rule or rule.startswith("//"):
                continue
            rule = rule if rule.isascii() else _ascii_rule(rule)
            child, _, parent = rule.partition(".")
            if parent:
                parents.setdefault(parent, []).append(child)
    return parents


def _ascii_rule(rule: str) -> str:
    return ".".join(
        part if part.isascii() else idna.alabel(part).decode("ascii") for part in rule.split(".")
    )


@functools.cache
def public_children(suffix: str) -> SuffixChildren:
    """Return which labels directly under ``suffix`` (ASCII) make a public suffix: ``com``
    under ``vn``, anything under ``ck`` (``*.ck``) but ``www`` (``!www.ck``)."""
    children = _suffix_rules().get(suffix, [])
    return SuffixChildren(
        names=frozenset(child for child in children if child[0] not in "*!"),
        wildcard="*" in children,
        exceptions=frozenset(child[1:] for child in children if child[0] == "!"),
    )
