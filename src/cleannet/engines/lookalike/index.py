"""``BrandIndex``: every brand's official names and keywords, built once, searched per name.

Three structures, so that scoring a name never loops over the brands:

- ``official_owner(host)``: a dict of official domains and hosts; a host is official when it or
  one of its parent names is in it (a walk over the host's dots, not over the brands).
- ``find(text)``: one Aho-Corasick automaton (pyahocorasick) holding every keyword and every
  official domain, as written and visually folded (``text.visual_fold``), finds them all in one
  pass over a host.
  Each official domain under a two-label suffix is also entered cut at its suffix and glued
  to more text (``acb.com-``, ``acb.comvn`` for ``acb.com.vn``): fakes drop the end of the
  suffix (``acb.com-ab.to``).
- ``similar(token)``: a symmetric-deletion index of the visually folded keywords of 5 characters
  or more: every string left after deleting up to 1 character (keywords of 5 characters) or 2
  (6 or more) points to its keywords. A token looks up itself and its single deletions (n
  look-ups, no loop over brands); candidates are confirmed with the keyboard-weighted distance
  (``keyboard.typo_distance``) within the keyword's bound. Found: any one edit; for keywords
  of 6+ characters also two deletions, a deletion plus a substitution or an insertion, a swap
  plus an edit. Not found (the price of one-deletion queries, which keeps a name at a few
  microseconds): two substitutions, or two insertions, in one keyword. Beyond one edit, a
  token shorter than the keyword (than four fifths of it for keywords of 8+) is no typo of
  it (``peban`` is no ``pgbank``) unless it keeps another keyword of the brand.
  ``Similar.keeps`` names another keyword (3+ characters) of the same brand that starts the
  token (``tpbnrk`` keeps ``tpb`` of TPBank).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from cleannet.engines.lookalike.keyboard import typo_distance
from cleannet.engines.lookalike.model import Brand
from cleannet.engines.lookalike.suffixes import suffix_and_registrable
from cleannet.engines.lookalike.text import fold_keyword, visual_fold

__all__ = ["BrandIndex", "Found", "Similar"]

_MIN_TYPO_LENGTH = 5
_LONG_TYPO_LENGTH = 6
_LONG_KEYWORD = 8
_MIN_KEPT = 3
_CACHE_SIZE = 1 << 16
_EDGE = 3

Kind = Literal["keyword", "official"]


@dataclass(frozen=True, slots=True)
class Found:
    """A keyword or official domain found in a text: ``start``/``end`` index the text
    (``end`` exclusive); ``token`` is the brand's keyword or domain as registered."""

    brand: str
    token: str
    kind: Kind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Similar:
    """A token within typing distance of a brand keyword (``distance`` keyboard-weighted)."""

    brand: str
    keyword: str
    distance: float
    keeps: str = ""


def _deletions(token: str, depth: int) -> set[str]:
    found = {token}
    frontier = {token}
    for _ in range(depth):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word))}
        found |= frontier
    return found


def _cut_official(domain: str) -> tuple[str, ...]:
    suffix, registrable = suffix_and_registrable(domain)
    if registrable != domain or "." not in suffix:
        return ()
    label = domain[: -len(suffix) - 1]
    first, _, rest = suffix.partition(".")
    return (f"{label}.{first}-", f"{label}.{first}{rest.replace('.', '')}")


def _shortest_far(keyword: str) -> int:
    # Beyond one edit a typo must keep the keyword's length (four fifths of it for 8+
    # characters): ``peban`` is two edits from ``pgbank`` but shares too little of it.
    length = len(keyword)
    return -(-4 * length // 5) if length >= _LONG_KEYWORD else length


def _typo_bound(length: int) -> int:
    if length < _MIN_TYPO_LENGTH:
        return 0
    return 1 if length < _LONG_TYPO_LENGTH else 2


class BrandIndex:
    """The search structures of a set of brands (immutable once built)."""

    def __init__(self, brands: Iterable[Brand]) -> None:
        self.brands: dict[str, Brand] = {}
        self._official: dict[str, str] = {}
        self._keywords: dict[str, set[str]] = defaultdict(set)
        self._brand_keywords: dict[str, set[str]] = defaultdict(set)
        for brand in brands:
            self._add(brand)
        self._automaton = self._build_automaton()
        self._deletion_index = self._build_deletion_index()
        # The first and last three characters of every variant (see ``_similar``).
        self._heads = frozenset(variant[:_EDGE] for variant in self._deletion_index)
        self._tails = frozenset(variant[-_EDGE:] for variant in self._deletion_index)
        self.similar = functools.lru_cache(maxsize=_CACHE_SIZE)(self._similar)

    def _add(self, brand: Brand) -> None:
        self.brands[brand.key] = brand
        for domain in brand.official_domains:
            self._official.setdefault(domain, brand.key)
        for keyword in brand.keywords:
            folded = fold_keyword(keyword)
            if folded:
                self._keywords[folded].add(brand.key)
                self._brand_keywords[brand.key].add(folded)

    def _build_automaton(self) -> ahocorasick.Automaton:
        entries: dict[str, set[tuple[str, str, Kind, bool]]] = defaultdict(set)
        tokens: list[tuple[str, str, Kind]]
        tokens = [(k, o, "keyword") for k, owners in self._keywords.items() for o in owners]
        tokens += [(domain, owner, "official") for domain, owner in self._official.items()]
        for token, owner, kind in tokens:
            entries[token].add((owner, token, kind, True))
            if visual_fold(token) != token:
                entries[visual_fold(token)].add((owner, token, kind, False))
        for domain, owner in self._official.items():
            for cut in _cut_official(domain):
                entries[cut].add((owner, domain, "official", True))
        automaton = ahocorasick.Automaton()
        for key, payload in entries.items():
            automaton.add_word(key, (len(key), tuple(sorted(payload))))
        if entries:
            automaton.make_automaton()
        return automaton

    def _build_deletion_index(self) -> dict[str, tuple[tuple[str, str], ...]]:
        index: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for keyword in self._keywords:
            folded = visual_fold(keyword)
            for variant in _deletions(folded, _typo_bound(len(folded))):
                index[variant].add((keyword, folded))
        return {variant: tuple(sorted(pairs)) for variant, pairs in index.items()}

    def official_owner(self, host: str) -> str | None:
        """Return the brand owning ``host`` (an official domain or a name below one), or None.

        ``host`` must be normalised (lower-case A-labels, no trailing dot).
        """
        name = host
        while True:
            owner = self._official.get(name)
            if owner is not None:
                return owner
            dot = name.find(".")
            if dot < 0:
                return None
            name = name[dot + 1 :]

    def owners(self, keyword: str) -> frozenset[str]:
        """Return the brands that registered the folded ``keyword`` (empty if none)."""
        return frozenset(self._keywords.get(keyword, ()))

    def is_keyword(self, token: str) -> bool:
        """Return whether ``token`` is exactly some brand's folded keyword."""
        return token in self._keywords

    def find(self, text: str, *, folded: bool) -> Iterator[Found]:
        """Yield every keyword and official domain occurring in ``text``.

        With ``folded=False`` only the forms as registered match; with ``folded=True``
        (``text`` visually folded by the caller) their visual folds match too.
        """
        if not self._keywords and not self._official:
            return
        for last, (length, payload) in self._automaton.iter(text):
            for owner, token, kind, as_written in payload:
                if as_written or folded:
                    yield Found(owner, token, kind, last - length + 1, last + 1)

    def _similar(self, token: str) -> tuple[Similar, ...]:
        folded = visual_fold(token)
        length = len(folded)
        if length < _MIN_TYPO_LENGTH - 1:
            return ()
        index = self._deletion_index
        # A deletion past the first three characters keeps them, one before the last three
        # keeps those: when no variant of the index starts (ends) with them, only deletions
        # among the first (last) three can match. Most tokens of a stream share neither.
        head = folded[:_EDGE] in self._heads
        tail = folded[-_EDGE:] in self._tails
        candidates: set[tuple[str, str]] = set()
        pairs = index.get(folded) if head and tail else None
        if pairs:
            candidates.update(pairs)
        first = 0 if tail else max(0, length - _EDGE)
        for i in range(first, length if head else min(_EDGE, length)):
            pairs = index.get(folded[:i] + folded[i + 1 :])
            if pairs:
                candidates.update(pairs)
        if not candidates:
            return ()
        return tuple(self._confirmed(folded, candidates))

    def _confirmed(self, folded: str, candidates: set[tuple[str, str]]) -> Iterator[Similar]:
        for keyword, folded_keyword in sorted(candidates):
            if folded_keyword == folded:
                continue  # the same after folding: a homoglyph, found by ``find``
            bound = _typo_bound(len(folded_keyword))
            distance = typo_distance(folded, folded_keyword, bound)
            if not 0 < distance <= bound:
                continue
            for owner in sorted(self._keywords[keyword]):
                kept = self._kept(owner, keyword, folded)
                if distance <= 1 or kept or len(folded) >= _shortest_far(folded_keyword):
                    yield Similar(owner, keyword, distance, kept)

    def _kept(self, owner: str, keyword: str, folded: str) -> str:
        for other in sorted(self._brand_keywords[owner], key=len, reverse=True):
            if other != keyword and len(other) >= _MIN_KEPT and folded.startswith(other):
                return other
        return ""
