"""Cutting labels into words: the lure words, ordinary words and country codes a scorer knows.

Fakes are built by gluing a brand (or a typo of it) to other words: ``vpbcards``,
``tikishop``, ``sinhnhat-vpbank``, ``smrtbbidv``. ``Lexicon.parse(chunk)`` cuts the letters
around a brand into known words with as few letters left over as possible, so that the scorer
can tell ``tikishop`` (the brand and a word) from ``tikiwiki`` or ``momondo`` (the brand's
letters inside some other name). Two kinds of slip are forgiven, because fakes make them on
purpose: doubled letters (``bankk``, ``onliine``) and a one-edit typo in a word of 4 letters
or more (``smort``, ``smrt``, ``onlniie`` for ``smart`` and ``online``). Digits are neither
words nor unknown letters (``2023``, ``247``).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from cleannet.engines.lookalike.keyboard import typo_distance
from cleannet.engines.lookalike.lists import (
    COMMON_WORDS,
    RISKY_SUFFIXES,
    STRONG_LURE_WORDS,
    WEAK_LURE_WORDS,
)

__all__ = ["Lexicon", "Parse", "squeeze"]

_CACHE_SIZE = 1 << 14
_MIN_FUZZY_RUN = 4
_MIN_FUZZY_WORD = 5
_FUZZY_LIMIT = 1.0
_PLURAL_STEM = 2
_NEARLY_ALL = 2
_MIN_JOINED_WORDS = 2
_DOUBLES = re.compile(r"([a-z])\1+")


def squeeze(text: str) -> str:
    """Return ``text`` with every run of one repeated letter cut to one (``bankk`` -> ``bank``)."""
    # A search is cheaper than a substitution on the many names without a doubled letter.
    if _DOUBLES.search(text) is None:
        return text
    return _DOUBLES.sub(r"\1", text)


@dataclass(frozen=True, slots=True)
class Parse:
    """A chunk cut into ``words`` (typos replaced by the word they stand for) and the number
    of ``unknown`` letters no word covers; ``strong`` tells whether a strong lure is among
    the words."""

    words: tuple[str, ...]
    unknown: int
    strong: bool


class Lexicon:
    """The word and suffix lists one scorer uses (defaults: ``lists``)."""

    def __init__(
        self,
        strong_lures: Iterable[str] = STRONG_LURE_WORDS,
        risky_suffixes: Iterable[str] = RISKY_SUFFIXES,
    ) -> None:
        self.strong = frozenset(strong_lures)
        self.lures = self.strong | WEAK_LURE_WORDS
        self.words = self.lures | COMMON_WORDS
        self.longest = max((len(word) for word in self.words), default=0)
        self.risky = frozenset(risky_suffixes)
        self._fuzzy = _fuzzy_index(word for word in self.words if word.isalpha())
        self.segments = functools.lru_cache(maxsize=_CACHE_SIZE)(self._segments)
        self.parse = functools.lru_cache(maxsize=_CACHE_SIZE)(self._parse)

    def is_word(self, token: str) -> bool:
        """Return whether ``token`` is a word of the lexicon (then it is no typo of a brand)."""
        return token in self.words

    def _segments(self, chunk: str) -> tuple[str, ...] | None:
        # Word break over the lure words only: best[end] is one cut of chunk[:end].
        size = len(chunk)
        best: list[tuple[str, ...] | None] = [(), *([None] * size)]
        for end in range(1, size + 1):
            for start in range(max(0, end - self.longest), end):
                before = best[start]
                if before is not None and chunk[start:end] in self.lures:
                    best[end] = (*before, chunk[start:end])
                    break
        return best[size]

    def _parse(self, chunk: str) -> Parse:
        """Cut ``chunk`` into known words leaving as few unknown letters as possible."""
        best = self._cut(chunk)
        squeezed = squeeze(chunk)
        if best.unknown and squeezed != chunk:
            other = self._cut(squeezed)
            if other.unknown < best.unknown:
                best = other
        return best

    def _cut(self, chunk: str) -> Parse:
        # Fewest unknown letters by dynamic programming; best[end] is the cut of chunk[:end]
        # as (unknown letters, pieces), a piece being (text, is a word).
        best: list[tuple[int, tuple[tuple[str, bool], ...]]] = [(0, ())]
        for end in range(1, len(chunk) + 1):
            unknown, pieces = best[end - 1]
            if chunk[end - 1].isdigit():
                best.append((unknown, pieces))  # numbers (2023, 247) are neither words nor junk
                continue
            if pieces and not pieces[-1][1]:
                pieces = (*pieces[:-1], (pieces[-1][0] + chunk[end - 1], False))
            else:
                pieces = (*pieces, (chunk[end - 1], False))
            choice = (unknown + 1, pieces)
            for start in range(max(0, end - self.longest), end):
                piece = chunk[start:end]
                if best[start][0] < choice[0] and self._is_word_or_plural(piece):
                    choice = (best[start][0], (*best[start][1], (piece, True)))
            best.append(choice)
        words: list[str] = []
        unknown = 0
        for text, known in best[-1][1]:
            word = text if known else self._fuzzy_word(text)
            if word is None:
                unknown += len(text)
            else:
                words.append(word)
        return Parse(tuple(words), unknown, any(word in self.strong for word in words))

    def _is_word_or_plural(self, piece: str) -> bool:
        return piece in self.words or (
            len(piece) > _PLURAL_STEM and piece[-1] == "s" and piece[:-1] in self.words
        )

    def _fuzzy_word(self, run: str) -> str | None:
        # A run of unknown letters that is one slip away from a word of 5+ letters.
        if len(run) < _MIN_FUZZY_RUN or len(run) > self.longest + 1:
            return None
        candidates: set[str] = set()
        for variant in (run, *(run[:i] + run[i + 1 :] for i in range(len(run)))):
            candidates.update(self._fuzzy.get(variant, ()))
        for word in sorted(candidates):
            if typo_distance(run, word, _FUZZY_LIMIT) <= _FUZZY_LIMIT:
                return word
        return None

    def strong_words(self, labels: list[str], upto: int) -> dict[int, list[str]]:
        """Return the strong lure words of each label up to index ``upto`` (inclusive)."""
        found: dict[int, list[str]] = {}
        for index, label in enumerate(labels[: upto + 1]):
            words = [
                word
                for chunk in _SEPARATORS.split(label)
                if chunk
                for word in (self.segments(chunk) or ())
                if word in self.strong
            ] or self._joined_strong_words(label)
            if words:
                found[index] = words
        return found

    def _joined_strong_words(self, label: str) -> list[str]:
        # A label of Vietnamese syllables joined or hyphenated (``tang-han-muc-tin-dung``,
        # ``chamsocthekhachang``) read as one run of words; only when words explain it.
        letters = _SEPARATORS.sub("", label)
        if len(letters) <= _MIN_FUZZY_RUN:
            return []
        parsed = self.parse(letters)
        if parsed.unknown > _NEARLY_ALL or len(parsed.words) < _MIN_JOINED_WORDS:
            return []
        return [word for word in parsed.words if word in self.strong]


_SEPARATORS = re.compile(r"[-0-9_]+")


def _fuzzy_index(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, set[str]] = defaultdict(set)
    for word in words:
        if len(word) < _MIN_FUZZY_WORD:
            continue
        index[word].add(word)
        for i in range(len(word)):
            index[word[:i] + word[i + 1 :]].add(word)
    return {variant: tuple(sorted(found)) for variant, found in index.items()}
