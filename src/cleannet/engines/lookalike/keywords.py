"""How a brand keyword found in a label counts: the word around it and the typo tiers.

A fake is a brand (or a typo of it) glued to other words on a domain the brand does not own.
``keyword_reason`` reads the rest of the label around a keyword with the ``Lexicon``:

- nothing else: the label *is* the brand (``brand-exact-label``);
- only known words, a strong lure among them: ``brand-with-lure`` (``vpbank-xacminh``,
  ``vpbcards``, ``smrtbbidv``: typos of words forgiven);
- only known words, no strong lure: ``brand-with-words`` (``tikishop``, ``acb-vn``);
- letters no word explains: ``brand-in-label`` / ``brand-in-subdomain``, strong for long
  keywords at a word edge, weak (needing a risk signal) for short ones, since ``vibe`` and
  ``ocbc`` hold ``vib`` and ``ocb`` by chance.

``typo_points`` gives the ``edit-distance`` tiers. Points of every tier: ``reasons``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleannet.engines.lookalike.hostview import Spot
from cleannet.engines.lookalike.index import Similar
from cleannet.engines.lookalike.lexicon import Lexicon
from cleannet.engines.lookalike.model import Reason
from cleannet.engines.lookalike.reasons import reason

__all__ = ["Around", "around", "keyword_reason", "size_of", "typo_points"]

_SHORT = 3
_MEDIUM = 5
_LONG_ANYWHERE = 7
_PARTS = re.compile(r"[-_]+")
_NEARLY = 2
_STRAY_PENALTY = 5
_GLUED_ENDINGS = frozenset({"com", "net", "org"})
"""Unknown letters a label may hold and still read as the brand plus words (``-ff``)."""


@dataclass(frozen=True, slots=True)
class Around:
    """The rest of a label around a keyword: its known ``words``, ``unknown`` letters,
    whether a ``strong`` lure, or any ``lure`` word (weak ones too: ``vn``, ``online``), is
    among the words."""

    words: tuple[str, ...]
    unknown: int
    strong: bool
    lure: bool


def size_of(token: str) -> str:
    """Return ``short`` (3 characters or fewer), ``medium`` (4–5) or ``long``."""
    if len(token) <= _SHORT:
        return "short"
    return "medium" if len(token) <= _MEDIUM else "long"


def around(spot: Spot, lexicon: Lexicon) -> Around:
    """Return how the rest of ``spot``'s label reads; a plural ``s`` right after the keyword
    belongs to it (``vpbanks``)."""
    after = spot.label[spot.end :]
    if after.startswith("s") and not after[1:2].isalpha():
        after = after[1:]
    before = spot.label[: spot.start]
    if after in _GLUED_ENDINGS and not before:
        # ``timocom``, ``telecom``: a suffix glued on makes another company's name.
        return Around((), len(after), False, False)
    words, unknown, strong = _read(_parts(before) + _parts(after), lexicon)
    if unknown and ("-" in before or "-" in after):
        # Vietnamese written one syllable a word (``dich-vu-the``, ``tin-dung-khcn``): read
        # each side with its hyphens dropped too and keep the reading that explains more.
        joined = _read(_parts(_PARTS.sub("", before)) + _parts(_PARTS.sub("", after)), lexicon)
        if joined[1] < unknown:
            words, unknown, strong = joined
    lure = strong or any(word in lexicon.lures for word in words)
    return Around(tuple(words), unknown, strong, lure)


def _read(chunks: list[str], lexicon: Lexicon) -> tuple[list[str], int, bool]:
    words: list[str] = []
    unknown = 0
    strong = False
    for chunk in chunks:
        parsed = lexicon.parse(chunk)
        words.extend(parsed.words)
        unknown += parsed.unknown
        strong = strong or parsed.strong
    return words, unknown, strong


def _parts(text: str) -> list[str]:
    return [part for part in _PARTS.split(text) if part]


def _worded_reason(token: str, spot: Spot, rest: Around) -> Reason:
    size = size_of(token)
    if rest.strong:
        return reason("brand-with-lure", 65 if size == "short" else 70, spot.label)
    if size == "long":
        return reason("brand-with-words", 65, spot.label)
    # A short keyword glued to ordinary words only (``shbfinance``, ``mbsprite``) is as often
    # another name; glued to a lure word (``vnmsb2023``, ``acbvn``) it is the usual fake.
    glued = not (spot.left_edge and spot.right_edge)
    weak = size == "short" and glued and not rest.lure
    return reason("brand-with-words", 55 if weak else 60, spot.label)


def _subdomain_reason(token: str, spot: Spot, signal: bool, lure_core: bool) -> Reason | None:
    size = size_of(token)
    both = spot.left_edge and spot.right_edge
    if both and size != "short":
        return reason("brand-in-subdomain", 60, token)
    if both and signal:
        # ``vib.tanghanmuc-vn.com``: the short keyword on a domain made of lure words.
        return reason("brand-in-subdomain", 50 if lure_core else 45, token)
    if size == "long" and (spot.left_edge or spot.right_edge):
        return reason("brand-in-subdomain", 50, token)
    return None


def _label_reason(token: str, spot: Spot, rest: Around, signal: bool) -> Reason | None:
    size = size_of(token)
    both = spot.left_edge and spot.right_edge
    one = spot.left_edge or spot.right_edge
    nearly = rest.unknown <= _NEARLY
    if size == "long" and (one or nearly):
        return reason("brand-in-label", 60, token)
    if both and size == "medium":
        return reason("brand-in-label", 60, token)
    if len(token) >= _LONG_ANYWHERE:
        return reason("brand-in-label", 55, token)
    if size == "medium" and one and nearly:
        return reason("brand-in-label", 55, token)
    if signal and (both or (one and size == "medium")):
        return reason("brand-in-label", 35, token)
    return None


def keyword_reason(
    token: str, spot: Spot, core: int, lexicon: Lexicon, signal: bool, lure_core: bool = False
) -> Reason | None:
    """Return the match reason of keyword ``token`` at ``spot`` (label ``core`` is the one
    above the public suffix; ``lure_core``: that label reads as words with a strong lure),
    or None when it does not count."""
    if spot.index > core:
        return None  # inside the public suffix: not the fake's choice
    if spot.whole:
        if spot.index == core:
            return reason("brand-exact-label", 45 if size_of(token) == "short" else 70, token)
        return _subdomain_reason(token, spot, signal, lure_core)
    rest = around(spot, lexicon)
    if rest.unknown == 0:
        return _worded_reason(token, spot, rest)
    if rest.strong and rest.unknown <= _NEARLY and (spot.left_edge or spot.right_edge):
        # The brand at a word edge, lure words and a stray letter or two (``-xvip-vib``,
        # ``stcard-vib``): worded, a little weaker.
        worded = _worded_reason(token, spot, rest)
        return reason(worded.code, worded.points - _STRAY_PENALTY, worded.detail)
    if spot.index < core:
        return _subdomain_reason(token, spot, signal, lure_core)
    return _label_reason(token, spot, rest, signal)


def typo_points(similar: Similar, in_subdomain: bool, foreign: bool) -> int:
    """Return the ``edit-distance`` points of a typo: by keyword length and distance, 10 more
    when the typo keeps another keyword of the brand at its start (``tpbnrk``: ``tpb``), 10
    fewer in a subdomain and under a foreign country's suffix (``mbank.pl``)."""
    length, distance = len(similar.keyword), similar.distance
    steps: tuple[tuple[float, int], ...]
    if length >= 8:
        steps = ((0.5, 70), (1.0, 65), (1.5, 55), (2.0, 50))
    elif length >= 6:
        steps = ((0.5, 65), (1.0, 60), (1.5, 55), (2.0, 50))
    else:
        steps = ((0.5, 50), (1.0, 45))
    points = next((points for limit, points in steps if distance <= limit), 0)
    if similar.keeps:
        points += 10
    return points - 10 * (in_subdomain + foreign)
