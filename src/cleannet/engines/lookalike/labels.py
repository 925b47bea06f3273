"""Labels the generator may emit: fast IDNA encoding, registry IDN rules, public suffixes.

The generator makes tens of thousands of candidate labels per domain; checking each with the
``idna`` package alone would cost more than making them. This module keeps the exact rules
and makes the common case cheap:

- ``encode_label(label)`` returns the A-label (``xn--…``) of a candidate, or ``None`` when
  no registry could issue it: empty or over 63 characters, a leading or trailing hyphen,
  ``--`` in the 3rd and 4th positions, a code point IDNA 2008 refuses. A label made only of
  letters that are valid IDNA 2008 on their own (checked once per character with ``idna``)
  is encoded by ``punycode.py``'s closed forms; any other label goes through
  ``idna.alabel`` itself. ``LabelEncoder`` is a per-run cache of it. (``punycode``,
  ``one_wide`` and ``two_wide`` are re-exported from ``punycode.py``.)
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
from dataclasses import dataclass

import idna
import publicsuffixlist

from cleannet.engines.lookalike.glyphs import LDH, VIETNAMESE_LETTERS
from cleannet.engines.lookalike.punycode import (
    DIGIT_CACHE,
    MAX_LABEL,
    one_wide,
    punycode,
    punycode_general,
    two_wide,
    two_wide_label,
)

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
        encoded = head + DIGIT_CACHE[((ord(label[first]) - 128) * (size + 1) + first) << 10 | 72]
    elif wide == 2:
        first = marked.find(63)
        second = marked.find(63, first + 1)
        code, other = ord(label[first]), ord(label[second])
        encoded = head + two_wide_label(len(label), size, first, code, second, other)
    else:
        encoded = head + punycode_general(label, size)
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
