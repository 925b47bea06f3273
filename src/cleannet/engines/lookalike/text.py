"""Text folding for lookalike matching: case, Vietnamese marks, UTS #39 skeletons, visual folds.

Four folds, applied in this order to a label that is not plain ASCII:

1. ``fold_case``: NFKC with case folding (full-width ``ｍ`` -> ``m``, ``İ`` -> ``i̇``), as UTS #46
   maps before IDNA.
2. ``skeleton``: UTS #39 — NFD, each code point replaced by its prototype from Unicode's
   confusables.txt (``data/confusables.json``, made by ``scripts/make-confusables``), NFD again.
   Cyrillic ``а`` -> ``a``, dotless ``ı`` -> ``i``, ``đ`` -> ``d`` + U+0335.
3. ``fold_vietnamese``: every combining mark dropped and ``đ``/``Đ`` -> ``d`` (they do not
   decompose under NFD), so ``viẹtcombank`` and ``điện`` read as ``vietcombank`` and ``dien``.
4. ``visual_fold`` (ASCII): the confusions of Latin letters that UTS #39 leaves out or maps the
   other way: ``rn`` -> ``m``, ``vv`` -> ``w``, ``cl`` -> ``d``, ``0`` -> ``o``, ``1`` -> ``l``.
   Brand keywords and names are folded the same way, so equality after folding means "looks the
   same". ``i``/``l`` are kept apart: lower-case they differ, and one edit covers them.

Script checks: ``label_scripts`` names the scripts of a label's letters; ``is_mixed_script``
flags Latin mixed with Cyrillic or Greek in one label (UTS #39 "highly restrictive" refuses
it); ``registry_allows_idn`` is the .vn registry rule: Vietnamese-letter IDN labels exist only
directly under ``vn``, never under ``com.vn`` or other second-level suffixes.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FoldedLabel",
    "fold_case",
    "fold_keyword",
    "fold_label",
    "fold_vietnamese",
    "is_mixed_script",
    "is_vietnamese_text",
    "label_scripts",
    "load_confusables",
    "registry_allows_idn",
    "skeleton",
    "visual_fold",
]

_DATA = Path(__file__).resolve().parent / "data" / "confusables.json"
_DIGIT_FOLD = str.maketrans({"0": "o", "1": "l"})
_DIGRAPHS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_D_STROKE = str.maketrans({"đ": "d", "Đ": "d", "\u0335": None})
# The marks Vietnamese writing uses: grave, acute, circumflex, tilde, breve, hook above,
# horn, dot below.
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323")
_SCRIPT_PREFIXES = ("LATIN", "CYRILLIC", "GREEK")


@functools.cache
def load_confusables() -> dict[str, str]:
    """Return the UTS #39 map (source character -> prototype) shipped in ``data/``."""
    with _DATA.open(encoding="utf-8") as handle:
        document = json.load(handle)
    mapping: dict[str, str] = document["map"]
    return mapping


def fold_case(text: str) -> str:
    """Return ``text`` NFKC-normalised and case-folded (full-width and upper case removed)."""
    return unicodedata.normalize("NFKC", text).casefold()


def skeleton(text: str) -> str:
    """Return the UTS #39 skeleton of ``text``: NFD, prototypes from confusables.txt, NFD.

    Two strings are confusable exactly when their skeletons are equal. Case is not folded
    here (UTS #39 keeps ``0`` -> ``O`` distinct from ``o``); callers fold case first.
    """
    table = load_confusables()
    decomposed = unicodedata.normalize("NFD", text)
    mapped = "".join(table.get(char, char) for char in decomposed)
    return unicodedata.normalize("NFD", mapped)


def fold_vietnamese(text: str) -> str:
    """Return ``text`` without combining marks, ``đ``/``Đ`` as ``d`` (``điện`` -> ``dien``)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_STROKE))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def visual_fold(text: str) -> str:
    """Return lower-case ASCII ``text`` with Latin lookalikes merged (``rn`` -> ``m`` …)."""
    folded = text.translate(_DIGIT_FOLD)
    for pair, single in _DIGRAPHS:
        if pair in folded:
            folded = folded.replace(pair, single)
    return folded


@dataclass(frozen=True, slots=True)
class FoldedLabel:
    """A non-ASCII label reduced to what it looks like.

    ``plain``: case-folded, marks dropped, ``đ`` -> ``d`` (what a reader of Vietnamese sees
    without the accents); ``looks``: the skeleton of it, visually folded (what it looks like);
    ``marks``: whether dropping marks changed the label; ``confusables``: whether the skeleton
    changed it beyond that (lookalike letters of another script, ``ı`` …).
    """

    plain: str
    looks: str
    marks: bool
    confusables: bool


def fold_label(label: str) -> FoldedLabel:
    """Return how ``label`` (a Unicode label, e.g. ``viẹtcombаnk``) reads once folded."""
    cased = fold_case(label)
    plain = fold_vietnamese(cased)
    looks = visual_fold(fold_vietnamese(skeleton(cased).lower()))
    return FoldedLabel(
        plain=plain, looks=looks, marks=plain != cased, confusables=looks != visual_fold(plain)
    )


def fold_keyword(text: str) -> str:
    """Return a brand keyword as the scorer compares it: case and marks folded, then only
    ``a-z0-9`` kept (``Thế Giới Di Động`` -> ``thegioididong``). Not visually folded."""
    folded = fold_vietnamese(fold_case(text))
    return "".join(char for char in folded if char.isascii() and char.isalnum())


def _letter_script(char: str) -> str:
    name = unicodedata.name(char, "")
    for prefix in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return prefix.lower()
    return "other"


def label_scripts(label: str) -> frozenset[str]:
    """Return the scripts (``latin``, ``cyrillic``, ``greek``, ``other``) of the letters in
    ``label``; digits, hyphens and combining marks belong to none."""
    return frozenset(_letter_script(char) for char in label if char.isalpha())


def is_mixed_script(label: str) -> bool:
    """Return whether ``label`` mixes Latin letters with Cyrillic or Greek ones."""
    scripts = label_scripts(label)
    return "latin" in scripts and bool(scripts & {"cyrillic", "greek"})


def is_vietnamese_text(label: str) -> bool:
    """Return whether every letter of ``label`` is a Latin letter Vietnamese writes
    (``a-z``, ``đ``, with only Vietnamese marks)."""
    for char in unicodedata.normalize("NFD", label.lower()):
        if char.isascii() or char == "đ" or char in _VIETNAMESE_MARKS:
            continue
        return False
    return True


def registry_allows_idn(label: str, suffix: str) -> bool:
    """Return whether a registry under ``suffix`` would issue the non-ASCII ``label``.

    Only the .vn rule is known: Vietnamese-letter labels directly under ``vn``; nothing
    non-ASCII under ``com.vn``, ``gov.vn`` … Other suffixes are assumed to allow it.
    """
    if suffix == "vn":
        return is_vietnamese_text(label)
    return not suffix.endswith(".vn")
