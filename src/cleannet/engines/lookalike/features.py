"""From hits to reasons: how each brand appears in a host or a URL path, and the risk signals.

``Hits`` holds what the cheap pass found (keywords and official names from the automaton,
typo candidates from the deletion index). ``Context`` adds what needs the Public Suffix List,
computed only when something was found. ``match_reasons`` turns hits into at most one match
reason per hit; ``signal_reasons`` lists the risk signals of the name. Points: ``reasons``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cleannet.engines.lookalike.hostview import Form, HostView
from cleannet.engines.lookalike.index import Found, Similar
from cleannet.engines.lookalike.keywords import keyword_reason, typo_points
from cleannet.engines.lookalike.lexicon import Lexicon
from cleannet.engines.lookalike.lists import (
    GENERIC_COUNTRY_SUFFIXES,
    HOSTING_DOMAINS,
    HOSTING_SUFFIXES,
    SUFFIX_TRICKS,
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
    "match_reasons",
    "signal_reasons",
]


_FIRST_LETTER_PENALTY = 5


@dataclass(slots=True)
class Hits:
    """What the cheap pass found: ``found`` with the form of the host it was found in
    (``looks``: only once folded; ``squeezed``: only once doubled letters are cut), ``typos``
    as (label index, token, Similar)."""

    found: list[tuple[Found, Form]] = field(default_factory=list)
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
    lure_core: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """How one brand appears: the match reason, its own signals (homoglyph, diacritics) and
    the label it used (lure words there are already counted by ``brand-with-lure``)."""

    brand: str
    reason: Reason
    extras: tuple[Reason, ...] = ()
    label: int = -1


def _official_reason(found: Found, view: HostView, form: Form) -> Reason | None:
    text = view.text(form)
    if found.end >= len(text):
        return None  # the official name ends the host: an allowlisted or a longer label
    if found.start > 0 and text[found.start - 1].isalnum():
        return None
    return reason("official-host-prefix", 80, found.token)


def _form_extras(view: HostView, index: int, token: str, form: Form) -> tuple[Reason, ...]:
    extras: list[Reason] = []
    label_fold = view.idn.get(index)
    shown = view.unicode.get(index, view.host.split(".")[index])
    if label_fold is not None and label_fold.marks:
        extras.append(reason("diacritics", 15, f"{shown} reads {token}"))
    if form == "looks":
        extras.append(reason("homoglyph", 15, f"{shown} looks like {token}"))
    if form == "squeezed" and token not in view.labels[index]:
        extras.append(reason("doubled-letters", 10, f"{shown} reads {token}"))
    return tuple(extras)


def _found_match(found: Found, form: Form, view: HostView, context: Context) -> Match | None:
    if found.kind == "official":
        official = _official_reason(found, view, form)
        return None if official is None else Match(found.brand, official)
    spot = view.spot(found.start, found.end, form)
    if spot is None:
        return None
    lexicon = context.lexicon
    keyword = keyword_reason(
        found.token, spot, context.core, lexicon, context.signal, context.lure_core
    )
    if keyword is None:
        return None
    extras = _form_extras(view, spot.index, found.token, form)
    return Match(found.brand, keyword, extras, spot.index)


def _is_foreign(suffix: str, risky: frozenset[str]) -> bool:
    # A typo of a Vietnamese brand under another country's suffix is more likely a name of
    # that country (mbank.pl) than a fake aimed at the brand's customers.
    country = suffix.rpartition(".")[2]
    return (
        len(country) == 2
        and country != "vn"
        and country not in GENERIC_COUNTRY_SUFFIXES
        and suffix not in risky
    )


def _typo_match(index: int, token: str, similar: Similar, context: Context) -> Match | None:
    if index > context.core:
        return None
    foreign = _is_foreign(context.suffix, context.lexicon.risky)
    points = typo_points(similar, index < context.core, foreign)
    first = token[0] != similar.keyword[0] and len(token) == len(similar.keyword)
    if first and similar.distance >= 1:
        # A full slip on the first letter is the one readers notice (``cbbank`` is no
        # ``abbank``); a lookalike first letter (``iazada``) still counts in full.
        points -= _FIRST_LETTER_PENALTY
    kept = f", starts with {similar.keeps}" if similar.keeps else ""
    detail = f"{token} ~ {similar.keyword} (distance {similar.distance:g}{kept})"
    return Match(similar.brand, reason("edit-distance", points, detail), (), index)


def match_reasons(view: HostView, hits: Hits, context: Context) -> list[Match]:
    """Return one ``Match`` for every hit that counts (see ``reasons`` for the rules)."""
    matches: list[Match] = []
    for found, form in hits.found:
        match = _found_match(found, form, view, context)
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
