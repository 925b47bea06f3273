"""The lookalike scorer: how much a host name or URL looks like an attempt to pass as a brand.

``Scorer(brands).score(text)`` reads ``text`` (a host name, a ``*.`` certificate name, or a URL
with or without scheme; ``names.parse_name``), then:

1. **Allowlist first**: a host that is an official domain of a brand, or lies below one, is
   ``official`` with score 0 and that brand (reason ``official-domain``).
2. **Cheap pass** for every name: one Aho-Corasick pass over the host for all keywords and
   official names (a second over its visual fold when that differs), a deletion-index look-up
   for each word of the labels (``index.BrandIndex``). Most names stop here with score 0.
3. **Reasons** for names with hits: the Public Suffix List places the hits (registrable label,
   subdomain, suffix), each hit becomes a match reason, the name's risk signals are added
   (``features``), and each brand's score is its strongest match plus all signals, capped at
   100. The verdict names the brand with the highest score. Codes and points: ``reasons``.

``score_many(lines)`` scores a stream and never raises: a line that cannot be scored becomes a
``LineError`` (line number, input, reason); blank lines and ``#`` comments are skipped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from cleannet.core.errors import InvalidValue
from cleannet.engines.lookalike.features import (
    Context,
    Hits,
    Match,
    has_risk_signal,
    match_reasons,
    signal_reasons,
)
from cleannet.engines.lookalike.hostview import HostView, word_chunks
from cleannet.engines.lookalike.index import BrandIndex, Found, Similar
from cleannet.engines.lookalike.lexicon import Lexicon
from cleannet.engines.lookalike.lists import (
    GOVERNMENT_SUFFIXES,
    RISKY_SUFFIXES,
    STRONG_LURE_WORDS,
)
from cleannet.engines.lookalike.model import Brand, Reason, Verdict
from cleannet.engines.lookalike.names import ParsedName, parse_name
from cleannet.engines.lookalike.reasons import reason
from cleannet.engines.lookalike.suffixes import suffix_and_registrable

__all__ = ["LineError", "Scorer"]

_MAX_SCORE = 100
_LURE_POINTS = 10
_MAX_LURE_WORDS = 2
_MIN_TYPO_TOKEN = 4
_SHORT = 3
_MEDIUM = 5
_CACHE_SIZE = 1 << 16
_PATH_WORDS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class LineError:
    """A line of a stream that could not be scored: 1-based ``line``, the ``input`` as read,
    and the ``reason`` in words."""

    line: int
    input: str
    reason: str


class Scorer:
    """Scores names against all ``brands`` at once; build once, then call ``score`` freely
    (pure and thread-compatible: its caches only grow)."""

    def __init__(
        self,
        brands: Iterable[Brand],
        *,
        lure_words: Iterable[str] = STRONG_LURE_WORDS,
        risky_suffixes: Iterable[str] = RISKY_SUFFIXES,
    ) -> None:
        self.index = BrandIndex(brands)
        self.lexicon = Lexicon(lure_words, risky_suffixes)
        self._label_typos = functools.lru_cache(maxsize=_CACHE_SIZE)(self._label_typo_pairs)

    def score(self, text: str) -> Verdict:
        """Return the verdict for one host name, ``*.`` name or URL.

        Raises ``InvalidValue`` (field ``name``) for input that is not one: empty, not text,
        bytes that were not UTF-8, a bare IP address, a single label, a label over 63 or a
        name over 253 characters, a label IDNA refuses.
        """
        parsed = parse_name(text)
        if parsed.is_ip:
            return self._score_ip_url(text, parsed)
        host = parsed.host
        owner = self.index.official_owner(host)
        if owner is not None:
            official = reason("official-domain", 0, host)
            registrable = suffix_and_registrable(host)[1]
            return Verdict(text, host, registrable, owner, 0, (official,), True)
        view = HostView.of(host)
        hits = self._host_hits(view)
        path_matches, path_lures = self._path_evidence(parsed.path)
        if not hits and not path_matches:
            return Verdict(text, host, suffix_and_registrable(host)[1], None, 0)
        return self._verdict(text, view, hits, path_matches, path_lures)

    def score_many(self, lines: Iterable[str | bytes]) -> Iterator[Verdict | LineError]:
        """Yield a verdict or a ``LineError`` for every non-blank, non-comment line."""
        for number, raw in enumerate(lines, start=1):
            line = _decoded(raw)
            if isinstance(line, LineError):
                yield LineError(number, line.input, line.reason)
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                yield self.score(stripped)
            except InvalidValue as error:
                yield LineError(number, stripped, error.reason)

    # The cheap pass ---------------------------------------------------------------------------

    def _host_hits(self, view: HostView) -> Hits:
        hits = Hits()
        seen = set()
        for found in self.index.find(view.plain, folded=False):
            hits.found.append((found, "plain"))
            seen.add((found.brand, found.token))
        if view.looks != view.plain:
            for found in self.index.find(view.looks, folded=True):
                if (found.brand, found.token) not in seen:
                    hits.found.append((found, "looks"))
                    seen.add((found.brand, found.token))
        if view.squeezed != view.looks:
            hits.found.extend((found, "squeezed") for found in self._squeezed_hits(view))
        if view.joined != view.plain:
            hits.found.extend((found, "joined") for found in self._joined_hits(view, seen))
        hits.typos = self._typos(view)
        return hits

    def _joined_hits(self, view: HostView, seen: set[tuple[str, str]]) -> Iterator[Found]:
        # A keyword of 4+ characters written with hyphens inside (``dien-may-xanh``); short
        # ones would be found across any hyphen by chance.
        for found in self.index.find(view.joined, folded=False):
            if (
                found.kind == "keyword"
                and len(found.token) > _SHORT
                and (found.brand, found.token) not in seen
            ):
                seen.add((found.brand, found.token))
                yield found

    def _squeezed_hits(self, view: HostView) -> Iterator[Found]:
        # Only labels that doubled letters changed, searched one by one (``www`` holds none).
        offset = 0
        for label, looks in zip(view.squeezed.split("."), view.looks_labels, strict=False):
            if label != looks:
                for found in self.index.find(label, folded=True):
                    if found.kind == "keyword":
                        yield replace(found, start=found.start + offset, end=found.end + offset)
            offset += len(label) + 1

    def _typos(self, view: HostView) -> list[tuple[int, str, Similar]]:
        typos: list[tuple[int, str, Similar]] = []
        labels, idn = view.labels, view.idn
        for index in range(len(labels) - 1):
            label = view.looks_labels[index] if index in idn else labels[index]
            if len(label) >= _MIN_TYPO_TOKEN:  # shorter labels hold no token long enough
                typos.extend((index, token, similar) for token, similar in self._label_typos(label))
        return typos

    def _label_typo_pairs(self, label: str) -> tuple[tuple[str, Similar], ...]:
        # Cached per label (``label_typos``): ``www``, ``mail``, ``api``, ``com`` … recur.
        return tuple(
            (token, similar)
            for token in _typo_tokens(label)
            if not self.index.is_keyword(token) and not self.lexicon.is_word(token)
            for similar in self.index.similar(token)
        )

    def _path_evidence(self, path: str) -> tuple[list[Match], list[str]]:
        if not path or path == "/":
            return [], []
        lowered = path.lower()
        matches = [
            Match(found.brand, reason("brand-in-path", 40, found.token))
            for found in self.index.find(lowered, folded=False)
            if found.kind == "keyword" and _is_path_word(lowered, found.start, found.end)
        ]
        lures = [
            word
            for chunk in _PATH_WORDS.split(lowered)
            for word in (self.lexicon.segments(chunk) or ())
            if word in self.lexicon.strong
        ]
        return matches, lures

    # Reasons ----------------------------------------------------------------------------------

    def _context(
        self, view: HostView, path_lures: list[str]
    ) -> tuple[Context, dict[int, list[str]]]:
        host = view.host
        suffix, registrable = suffix_and_registrable(host)
        core = len(view.labels) - suffix.count(".") - 2
        lures = self.lexicon.strong_words(view.labels, core)
        signal = bool(lures or path_lures) or has_risk_signal(suffix, registrable, self.lexicon)
        context = Context(suffix, registrable, core, signal, self.lexicon, core in lures)
        return context, lures

    def _verdict(
        self,
        text: str,
        view: HostView,
        hits: Hits,
        path_matches: list[Match],
        path_lures: list[str],
    ) -> Verdict:
        context, lures = self._context(view, path_lures)
        if context.suffix in GOVERNMENT_SUFFIXES:
            # Only government bodies register there: whatever it reads like, not a fake.
            return Verdict(text, view.host, context.registrable, None, 0)
        matches = match_reasons(view, hits, context)
        signals = signal_reasons(view, context)
        brand, score, reasons = _best(matches, path_matches, signals, lures, path_lures)
        if brand is None:
            return Verdict(text, view.host, context.registrable, None, 0)
        return Verdict(text, view.host, context.registrable, brand, score, reasons)

    def _score_ip_url(self, text: str, parsed: ParsedName) -> Verdict:
        path_matches, path_lures = self._path_evidence(parsed.path)
        signals = [reason("ip-host", 15, parsed.host)]
        brand, score, reasons = _best([], path_matches, signals, {}, path_lures)
        return Verdict(text, parsed.host, None, brand, score if brand else 0, reasons)


def _decoded(raw: str | bytes) -> str | LineError:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        shown = raw.decode("utf-8", "replace").strip()
        return LineError(0, shown, f"is not UTF-8 text: {error.reason}")


def _typo_tokens(label: str) -> list[str]:
    if label.isalpha():
        return [label] if len(label) >= _MIN_TYPO_TOKEN else []
    chunks = word_chunks(label)
    tokens = [chunk for chunk in chunks if len(chunk) >= _MIN_TYPO_TOKEN]
    joined = "".join(chunks)
    if len(chunks) > 1 and len(joined) >= _MIN_TYPO_TOKEN:
        tokens.append(joined)
    return tokens


def _is_path_word(path: str, start: int, end: int) -> bool:
    if end - start > _MEDIUM:
        return True
    before = path[start - 1] if start > 0 else "/"
    after = path[end] if end < len(path) else "/"
    return not before.isalnum() and not after.isalnum()


def _lure_reasons(
    lures: dict[int, list[str]], skip_label: int, path_lures: list[str]
) -> list[Reason]:
    words = [word for index, found in lures.items() if index != skip_label for word in found]
    unique = list(dict.fromkeys([*words, *path_lures]))[:_MAX_LURE_WORDS]
    return [reason("lure-word", _LURE_POINTS, word) for word in unique]


def _brand_reasons(
    best: Match,
    path_matches: list[Match],
    signals: list[Reason],
    lures: dict[int, list[str]],
    path_lures: list[str],
) -> list[Reason]:
    worded = best.reason.code in {"brand-with-lure", "brand-with-words"}
    skip = best.label if worded else -1
    reasons = [best.reason, *best.extras, *signals, *_lure_reasons(lures, skip, path_lures)]
    if best.reason.code != "brand-in-path":
        in_path = next((m for m in path_matches if m.brand == best.brand), None)
        if in_path is not None:
            reasons.append(reason("brand-in-path", 10, in_path.reason.detail))
    return reasons


def _strongest(matches: list[Match]) -> dict[str, Match]:
    best: dict[str, Match] = {}
    for match in matches:
        current = best.get(match.brand)
        total = match.reason.points + sum(extra.points for extra in match.extras)
        if current is None or total > current.reason.points + sum(
            extra.points for extra in current.extras
        ):
            best[match.brand] = match
    return best


def _best(
    matches: list[Match],
    path_matches: list[Match],
    signals: list[Reason],
    lures: dict[int, list[str]],
    path_lures: list[str],
) -> tuple[str | None, int, tuple[Reason, ...]]:
    candidates = _strongest(matches)
    for brand, match in _strongest(path_matches).items():
        candidates.setdefault(brand, match)
    chosen: tuple[str | None, int, tuple[Reason, ...]] = (None, 0, ())
    for brand in sorted(candidates):
        reasons = _brand_reasons(candidates[brand], path_matches, signals, lures, path_lures)
        score = min(_MAX_SCORE, sum(item.points for item in reasons))
        if score > chosen[1]:
            chosen = (brand, score, tuple(reasons))
    return chosen
