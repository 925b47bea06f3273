"""Character tables of the lookalike generator: homoglyphs, keyboards, Cyrillic, Vietnamese.

- ``ASCII_GLYPHS``: ASCII characters (or pairs) that look like another ASCII character or
  pair (``m`` -> ``rn``, ``cl`` -> ``d``, ``0`` -> ``o``); registrable under every suffix.
- ``UNICODE_GLYPHS``: Latin letters with marks, hooks, small capitals and IPA letters that
  look like an ASCII letter (``a`` -> ``ạ ă ȧ ɑ …``), plus ``ae`` -> ``æ`` and ``oe`` -> ``œ``.
  It holds at least every glyph dnstwist's homoglyph fuzzer uses, so that our names are a
  superset of its names.
- ``CYRILLIC``: the Cyrillic letter that looks like each Latin letter (whole-script fakes).
- ``KEYBOARDS``: neighbouring keys on QWERTY, QWERTZ and AZERTY (typos).
- ``VIETNAMESE_FAMILIES``: each ASCII base letter and every Vietnamese letter written on it
  (``a`` -> ``a à á ả ã ạ ă ằ … ậ``; ``d`` -> ``d đ``), and ``VIETNAMESE_LETTERS``, the
  non-ASCII letters of the Vietnamese alphabet (what the .vn registry accepts in an IDN label).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

__all__ = [
    "ASCII_GLYPHS",
    "CYRILLIC",
    "KEYBOARDS",
    "LDH",
    "UNICODE_GLYPHS",
    "VIETNAMESE_FAMILIES",
    "VIETNAMESE_LETTERS",
    "family_of",
]

LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
"""Letters, digits, hyphen: the characters of an ASCII host name label."""

ASCII_GLYPHS: Mapping[str, tuple[str, ...]] = {
    "0": ("o",),
    "1": ("l", "i"),
    "3": ("8",),
    "6": ("9",),
    "8": ("3",),
    "9": ("6",),
    "b": ("d", "lb"),
    "c": ("e",),
    "d": ("b", "cl", "dl"),
    "e": ("c",),
    "g": ("q",),
    "h": ("lh",),
    "i": ("1", "l"),
    "k": ("lc",),
    "l": ("1", "i"),
    "m": ("n", "nn", "rn"),
    "n": ("m", "r"),
    "o": ("0",),
    "q": ("g",),
    "u": ("v",),
    "v": ("u",),
    "w": ("vv",),
    "rn": ("m",),
    "cl": ("d",),
    "vv": ("w",),
}

# One string per key: each character of the value is one glyph.
_UNICODE_LETTERS = {
    "2": "ƻ",
    "3": "ʒ",
    "5": "ƽ",
    "a": "ạăȧɑåąâǎáəäãāà",
    "b": "ḃḅƅʙḇɓ",
    "c": "čᴄċçćĉƈ",
    "d": "ďḍḋɖḏɗḓḑđ",
    "e": "êẹęèḛěɇėĕéëēȩ",
    "f": "ḟƒ",
    "g": "ǧġǵğɡǥĝģɢ",
    "h": "ȟḫḩḣɦḥḧħẖⱨĥ",
    "i": "ɩǐíɪỉȋɨïīĩịîıĭįì",
    "j": "ǰĵʝɉ",
    "k": "ĸǩⱪḵķᴋḳ",
    "l": "ĺłɫļľ",
    "m": "ᴍṁḿṃɱ",
    "n": "ņǹńňṅṉṇꞑñŋ",
    "o": "öóȯỏôᴏōòŏơőõọø",
    "p": "ṗƿƥṕ",
    "q": "ʠ",
    "r": "ʀȓɍɾřṛɽȑṙŗŕɼṟ",
    "s": "ṡșŝꜱʂšśṣş",
    "t": "ťƫţṭṫțŧ",
    "u": "ᴜųŭūűǔȕưùůʉúȗüûũụ",
    "v": "ᶌṿᴠⱴⱱṽ",
    "w": "ᴡẇẅẃẘẉⱳŵẁ",
    "x": "ẋẍ",
    "y": "ŷÿʏẏɏƴȳýỿỵ",
    "z": "žƶẓẕⱬᴢżźʐ",
}
UNICODE_GLYPHS: Mapping[str, tuple[str, ...]] = {
    **{key: tuple(value) for key, value in _UNICODE_LETTERS.items()},
    "ae": ("æ",),
    "oe": ("œ",),
}

CYRILLIC: Mapping[str, str] = dict(
    zip("abcdeghijklmopqstvwxy", "аьсԁеԍһіјкӏморԛѕтѵԝху", strict=True)
)

_QWERTY = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_QWERTZ = ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm")
_AZERTY = ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn")


def _neighbours(rows: tuple[str, ...]) -> dict[str, str]:
    # Rows are staggered: a key touches its left and right keys, the two keys above it (same
    # column and one to the right) and the two below it (same column and one to the left).
    spot = {char: (row, col) for row, keys in enumerate(rows) for col, char in enumerate(keys)}
    table: dict[str, str] = {}
    for char, (row, col) in spot.items():
        near = {(row, col - 1), (row, col + 1), (row - 1, col), (row - 1, col + 1)}
        near |= {(row + 1, col), (row + 1, col - 1)}
        table[char] = "".join(other for other, place in spot.items() if place in near)
    return table


KEYBOARDS: tuple[Mapping[str, str], ...] = tuple(
    _neighbours(rows) for rows in (_QWERTY, _QWERTZ, _AZERTY)
)

# Vietnamese: 12 vowel letters (a ă â e ê i o ô ơ u ư y), each with no tone or one of the five
# tone marks (grave, acute, hook above, tilde, dot below), and đ beside d.
_VOWEL_BASES = {"a": "aăâ", "e": "eê", "i": "i", "o": "oôơ", "u": "uư", "y": "y"}
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def _families() -> dict[str, tuple[str, ...]]:
    families = {
        base: tuple(
            unicodedata.normalize("NFC", letter + tone) for letter in letters for tone in _TONES
        )
        for base, letters in _VOWEL_BASES.items()
    }
    families["d"] = ("d", "đ")
    return families


VIETNAMESE_FAMILIES: Mapping[str, tuple[str, ...]] = _families()
VIETNAMESE_LETTERS = frozenset(
    letter for family in VIETNAMESE_FAMILIES.values() for letter in family if not letter.isascii()
)
_FAMILY_OF = {letter: base for base, family in VIETNAMESE_FAMILIES.items() for letter in family}


def family_of(char: str) -> tuple[str, ...]:
    """Return every Vietnamese letter sharing ``char``'s base letter (``ệ`` -> the 12 ``e``
    letters), or ``()`` when ``char`` is not a Vietnamese vowel, ``d`` or ``đ``."""
    base = _FAMILY_OF.get(char)
    return VIETNAMESE_FAMILIES[base] if base else ()
