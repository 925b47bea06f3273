"""From hits to reasons: how each brand appears in a host or a URL path, and the risk signals.

``Hits`` holds what the cheap pass found (keywords and official names from the automaton,
typo candidates from the deletion index). ``Context`` adds what needs the Public Suffix List,
computed only when something was found. ``match_reasons`` turns hits into at most one match
reason per hit; ``signal_reasons`` lists the risk signals of the name. Points: ``reasons``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from cleannet.engines.lookalike.hostview import HostView, Spot, word_chunks
from cleannet.engines.lookalike.index import Found, Similar
from cleannet.engines.lookalike.lists import (
    HOSTING_DOMAINS,
    HOSTING_SUFFIXES,
    RISKY_SUFFIXES,
    STRONG_LURE_WORDS,
    SUFFIX_TRICKS,
    WEAK_LURE_WORDS,
)
from cleannet.engines.lookalike.model import Reason
from cleannet.engines.lookalike.reasons import reason
from cleannet.engines.lookalike.text import is_mixed_script, registry_allows_idn

__all__ = [
    "Context",
    "Hits",
    "Lexicon",
    "Match",
    "has_risk_signal",
    "lure_segments",
    "match_reasons",
    "signal_reasons",
]

_SHORT = 3
_MEDIUM = 5
_LONG_ANYWHERE = 7


@dataclass(slots=True)
class Hits:
    """What the cheap pass found: ``found`` (with ``folded`` true for hits only visible in
    the visually folded host), ``typos`` as (label index, token, Similar)."""

    found: list[tuple[Found, bool]] = field(default_factory=list)
    typos: list[tuple[int, str, Similar]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.found or self.typos)


@dataclass(frozen=True, slots=True)
class Context:
    """The Public Suffix List's reading of the host: ``core`` is the index of the label just
    above the public suffix (-1 when the host is a suffix itself)."""

    suffix: str
    registrable: str | None
    core: int
    signal: bool
    lexicon: Lexicon


@dataclass(frozen=True, slots=True)
class Match:
    """How one brand appears: the match reason, its own signals (homoglyph, diacritics) and
    the label it used (lure words there are already counted by ``brand-with-lure``)."""

    brand: str
    reason: Reason
    extras: tuple[Reason, ...] = ()
    label: int = -1


class Lexicon:
    """The word and suffix lists one scorer uses (defaults: ``lists``)."""

    def __init__(
        self,
        strong_lures: Iterable[str] = STRONG_LURE_WORDS,
        risky_suffixes: Iterable[str] = RISKY_SUFFIXES,
    ) -> None:
        self.strong = frozenset(strong_lures)
        self.words = self.strong | WEAK_LURE_WORDS
        self.longest = max((len(word) for word in self.words), default=0)
        self.risky = frozenset(risky_suffixes)
        self.segments = functools.lru_cache(maxsize=1 << 14)(self._segments)

    def _segments(self, chunk: str) -> tuple[str, ...] | None:
        # Word break by dynamic programming: best[end] is one cut of chunk[:end] into words.
        size = len(chunk)
        best: list[tuple[str, ...] | None] = [(), *([None] * size)]
        for end in range(1, size + 1):
            for start in range(max(0, end - self.longest), end):
                before = best[start]
                if before is not None and chunk[start:end] in self.words:
                    best[end] = (*before, chunk[start:end])
                    break
        return best[size]

    def strong_words(self, labels: list[str], upto: int) -> dict[int, list[str]]:
        """Return the strong lure words of each label up to index ``upto`` (inclusive)."""
        found: dict[int, list[str]] = {}
        for index, label in enumerate(labels[: upto + 1]):
            words = [
                word
                for chunk in word_chunks(label)
                for word in (self.segments(chunk) or ())
                if word in self.strong
            ]
            if words:
                found[index] = words
        return found


def lure_segments(chunk: str, lexicon: Lexicon | None = None) -> tuple[str, ...] | None:
    """Return ``chunk`` cut into lure words (``xacminhtaikhoan`` -> ``xacminh``, ``taikhoan``),
    or None if it cannot be cut that way (``hotrokhachhang``: ``khachhang`` is no lure)."""
    return (lexicon or _DEFAULT_LEXICON).segments(chunk)


def _lure_words_around(spot: Spot, lexicon: Lexicon) -> tuple[str, ...] | None:
    chunks = word_chunks(spot.label[: spot.start]) + word_chunks(spot.label[spot.end :])
    words: list[str] = []
    for chunk in chunks:
        segments = lexicon.segments(chunk)
        if segments is None:
            return None
        words.extend(segments)
    return tuple(words)


def _size(token: str) -> str:
    if len(token) <= _SHORT:
        return "short"
    return "medium" if len(token) <= _MEDIUM else "long"


def _lure_reason(token: str, spot: Spot, lexicon: Lexicon, signal: bool) -> Reason | None:
    words = _lure_words_around(spot, lexicon)
    if words is None or spot.whole:
        return None
    strong = any(word in lexicon.strong for word in words)
    if _size(token) == "short" and not strong:
        return reason("brand-with-lure", 60 if signal else 55, spot.label)
    points = 70 if strong and _size(token) != "short" else 60
    return reason("brand-with-lure", points, spot.label)


def _subdomain_reason(token: str, spot: Spot, signal: bool) -> Reason | None:
    size = _size(token)
    both = spot.left_edge and spot.right_edge
    if both and size != "short":
        return reason("brand-in-subdomain", 60, token)
    if both and signal:
        return reason("brand-in-subdomain", 45, token)
    if size == "long" and (spot.left_edge or spot.right_edge):
        return reason("brand-in-subdomain", 50, token)
    return None


def _label_reason(token: str, spot: Spot, signal: bool) -> Reason | None:
    size = _size(token)
    both = spot.left_edge and spot.right_edge
    one = spot.left_edge or spot.right_edge
    if both and size != "short":
        return reason("brand-in-label", 60, token)
    if size == "long" and one:
        return reason("brand-in-label", 60, token)
    if len(token) >= _LONG_ANYWHERE:
        return reason("brand-in-label", 55, token)
    if signal and (both or (one and size == "medium")):
        return reason("brand-in-label", 35, token)
    return None


def _keyword_reason(token: str, spot: Spot, context: Context) -> Reason | None:
    if spot.index > context.core:
        return None  # inside the public suffix: not the fake's choice
    if spot.index == context.core and spot.whole:
        return reason("brand-exact-label", 45 if _size(token) == "short" else 70, token)
    lure = _lure_reason(token, spot, context.lexicon, context.signal)
    if lure is not None:
        return lure
    if spot.index < context.core:
        return _subdomain_reason(token, spot, context.signal)
    return _label_reason(token, spot, context.signal)


def _official_reason(found: Found, view: HostView, folded: bool) -> Reason | None:
    text = view.looks if folded else view.plain
    if found.end >= len(text):
        return None  # the official name ends the host: an allowlisted or a longer label
    if found.start > 0 and text[found.start - 1].isalnum():
        return None
    return reason("official-host-prefix", 80, found.token)


def _folding_extras(view: HostView, index: int, token: str, folded: bool) -> tuple[Reason, ...]:
    extras: list[Reason] = []
    label_fold = view.idn.get(index)
    shown = view.unicode.get(index, view.host.split(".")[index])
    if label_fold is not None and label_fold.marks:
        extras.append(reason("diacritics", 15, f"{shown} reads {token}"))
    if folded:
        extras.append(reason("homoglyph", 15, f"{shown} looks like {token}"))
    return tuple(extras)


def _found_match(found: Found, folded: bool, view: HostView, context: Context) -> Match | None:
    if found.kind == "official":
        official = _official_reason(found, view, folded)
        return None if official is None else Match(found.brand, official)
    spot = view.spot(found.start, found.end, folded=folded)
    if spot is None:
        return None
    keyword = _keyword_reason(found.token, spot, context)
    if keyword is None:
        return None
    extras = _folding_extras(view, spot.index, found.token, folded)
    return Match(found.brand, keyword, extras, spot.index)


def _typo_points(similar: Similar, in_subdomain: bool) -> int:
    length, distance = len(similar.keyword), similar.distance
    steps: tuple[tuple[float, int], ...]
    if length >= 8:
        steps = ((0.5, 70), (1.0, 65), (1.5, 55), (2.0, 50))
    elif length >= 6:
        steps = ((0.5, 60), (1.0, 55))
    else:
        steps = ((0.5, 50), (1.0, 45))
    points = next((points for limit, points in steps if distance <= limit), 0)
    return points - 10 if in_subdomain else points


def _typo_match(index: int, token: str, similar: Similar, context: Context) -> Match | None:
    if index > context.core:
        return None
    points = _typo_points(similar, index < context.core)
    detail = f"{token} ~ {similar.keyword} (distance {similar.distance:g})"
    return Match(similar.brand, reason("edit-distance", points, detail), (), index)


def match_reasons(view: HostView, hits: Hits, context: Context) -> list[Match]:
    """Return one ``Match`` for every hit that counts (see ``reasons`` for the rules)."""
    matches: list[Match] = []
    for found, folded in hits.found:
        match = _found_match(found, folded, view, context)
        if match is not None:
            matches.append(match)
    for index, token, similar in hits.typos:
        typo = _typo_match(index, token, similar, context)
        if typo is not None:
            matches.append(typo)
    return matches


def _suffix_signals(suffix: str, registrable: str | None, risky: frozenset[str]) -> list[Reason]:
    signals: list[Reason] = []
    if suffix in HOSTING_SUFFIXES:
        signals.append(reason("hosting-platform", 15, suffix))
    elif registrable in HOSTING_DOMAINS:
        signals.append(reason("hosting-platform", 15, registrable or ""))
    if registrable in SUFFIX_TRICKS:
        signals.append(reason("suffix-trick", 20, registrable or ""))
    elif suffix in risky:
        signals.append(reason("risky-suffix", 15, suffix))
    return signals


def _script_signals(view: HostView, context: Context) -> list[Reason]:
    signals: list[Reason] = []
    for _, label in sorted(view.unicode.items()):
        if is_mixed_script(label):
            signals.append(reason("mixed-script", 25, label))
            break
    core_label = view.unicode.get(context.core)
    if core_label is not None and not registry_allows_idn(core_label, context.suffix):
        signals.append(reason("idn-not-allowed", 10, f"{core_label}.{context.suffix}"))
    return signals


def signal_reasons(view: HostView | None, context: Context | None) -> list[Reason]:
    """Return the risk signals of a host (suffix, platform, scripts); none for an IP host."""
    if view is None or context is None:
        return []
    suffix_signals = _suffix_signals(context.suffix, context.registrable, context.lexicon.risky)
    return suffix_signals + _script_signals(view, context)


def has_risk_signal(suffix: str, registrable: str | None, lexicon: Lexicon) -> bool:
    """Return whether the suffix or registrable domain alone makes a name riskier."""
    return bool(_suffix_signals(suffix, registrable, lexicon.risky))


_DEFAULT_LEXICON = Lexicon()
