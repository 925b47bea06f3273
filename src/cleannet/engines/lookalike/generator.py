"""The lookalike generator: every name a phisher could register to imitate a domain.

``permutations("vietcombank.com.vn")`` runs the fuzzers of ``fuzzers.FUZZERS`` (dnstwist's
fuzzers and ours) and returns each distinct name once, credited to the first fuzzer that made
it, in a deterministic order (fuzzer order, then the order the fuzzer made them). Every name
is normalised ASCII (``xn--`` for IDN labels) and a valid registrable name:

- no label over 63 characters, none starting or ending with a hyphen, no ``--`` in the 3rd
  and 4th positions, no code point IDNA 2008 refuses;
- never a public suffix itself (``com.vn`` is not a lookalike of ``vn``).

Each name also says whether its registry would issue it (``Permutation.registry_allows``):
IDN labels only where the registry takes them (Vietnamese letters directly under ``vn``, none
under ``com.vn``, ``id.vn`` …, no Latin IDN under ``uk``, see ``labels.idn_letters``). By
default the names a registry refuses are kept, flagged, so that the output holds every name
dnstwist makes (a DNS sweep may still want them: registry policies change and resolvers do
not check them); ``registry_rules=True`` leaves them out, for defensive registration.

The original domain is left out. A subdomain in the input is dropped: the registrable domain
is what gets permuted (``www.vietcombank.com.vn`` -> ``vietcombank.com.vn``), because that is
what a defensive registration or a DNS sweep is about.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import (
    domain_to_unicode,
    normalise_domain,
    public_suffix,
    registrable_domain,
)
from cleannet.engines.lookalike.fuzzers import FUZZERS, Candidates, Target, glyph_table
from cleannet.engines.lookalike.glyphs import LDH
from cleannet.engines.lookalike.labels import (
    ANY_LETTER,
    LabelEncoder,
    SuffixChildren,
    encode_label,
    idn_letters,
    public_children,
)
from cleannet.engines.lookalike.lures import DEFAULT_LURE_WORDS, DEFAULT_TLDS

__all__ = [
    "FUZZERS",
    "Generation",
    "Permutation",
    "check_tld",
    "check_word",
    "generate",
    "permutations",
]


class Permutation(NamedTuple):
    """One lookalike: the ``fuzzer`` that made it, its ASCII ``name`` (normalised, ``xn--`` for
    IDN labels), the same name in ``unicode`` for display, and whether the registry of its
    suffix would issue it (``registry_allows``; always True for an ASCII name).

    A named tuple rather than a frozen dataclass: the generator makes tens of thousands per
    domain, and a tuple is built several times faster (it is as immutable and hashable)."""

    fuzzer: str
    name: str
    unicode: str
    registry_allows: bool


_permutation = Permutation


@dataclass(frozen=True, slots=True)
class Generation:
    """The result of one run: the permuted registrable ``domain`` (ASCII), its
    ``permutations`` and how many candidates were ``dropped`` as invalid, public suffixes or
    (with the registry rules) refused by their registry."""

    domain: str
    permutations: tuple[Permutation, ...]
    dropped: int


def check_word(word: str) -> str:
    """Return a lure word lower-cased and trimmed, ready to glue to a label.

    Raises ``InvalidValue`` (field ``dictionary``) for an empty word or one holding anything
    but letters, digits and hyphens (a dot, a space, an underscore …).
    """
    text = word.strip().lower()
    if not text:
        raise InvalidValue("dictionary", word, "is empty")
    bad = sorted({char for char in text if char not in LDH and not char.isalpha()})
    if bad:
        shown = " ".join(repr(char) for char in bad)
        raise InvalidValue("dictionary", word, f"may hold only letters, digits and -, not {shown}")
    return text


def check_tld(tld: str) -> str:
    """Return a suffix to swap in, normalised to ASCII without dots around it (``.Com.VN`` ->
    ``com.vn``).

    Raises ``InvalidValue`` (field ``tlds``) when it is not a domain name or not a public
    suffix (``vn.com`` is a registrable domain, not a suffix: names under it are its
    subdomains).
    """
    try:
        suffix = normalise_domain(tld.strip().strip("."), allow_single_label=True)
    except InvalidValue as error:
        raise InvalidValue("tlds", tld, error.reason) from None
    if public_suffix(suffix) != suffix:
        raise InvalidValue("tlds", tld, "is not a public suffix, so nothing is registered under it")
    return suffix


@functools.lru_cache(maxsize=64)
def _words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(check_word(word) for word in words))


@functools.lru_cache(maxsize=64)
def _tlds(tlds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(check_tld(tld) for tld in tlds))


def _split(domain: str) -> tuple[str, str, str]:
    # -> (registrable ASCII, label in Unicode, suffix ASCII)
    name = normalise_domain(domain)
    registrable = registrable_domain(name)
    if registrable is None:
        raise InvalidValue("domain", domain, "is a public suffix: there is no name to permute")
    suffix = public_suffix(registrable)
    label = domain_to_unicode(registrable).split(".", 1)[0]
    return registrable, label, suffix


def _fuzzer_names(fuzzers: Collection[str] | None) -> list[str]:
    if fuzzers is None:
        return list(FUZZERS)
    unknown = sorted(set(fuzzers) - FUZZERS.keys())
    if unknown:
        raise InvalidValue("fuzzers", unknown, "not among: " + ", ".join(FUZZERS))
    return [name for name in FUZZERS if name in fuzzers]


_UNKNOWN = "\x00"  # not a label: marks a cache miss


class _Suffix:
    """What the collector needs to know of one suffix (kept across runs: it never changes)."""

    __slots__ = ("allowed", "any_letter", "children", "unicode")

    def __init__(self, suffix: str) -> None:
        self.unicode = domain_to_unicode(suffix, allow_single_label=True)
        letters = idn_letters(suffix)
        self.any_letter = letters is ANY_LETTER
        # The characters of an IDN label the registry issues; empty when it issues none, so
        # that the hot loops refuse a non-ASCII label without looking at its letters.
        takes_idn = any(char.isalpha() for char in letters)
        self.allowed = LDH | letters if takes_idn else frozenset()
        self.children: SuffixChildren = public_children(suffix)


@functools.lru_cache(maxsize=1024)
def _suffix_info(suffix: str) -> _Suffix:
    return _Suffix(suffix)


class _Suffixes(dict[str, _Suffix]):
    def __missing__(self, suffix: str) -> _Suffix:
        info = self[suffix] = _suffix_info(suffix)
        return info


class _Collector:
    """Encodes, checks and deduplicates candidates into permutations, in arrival order."""

    def __init__(self, registry_rules: bool) -> None:
        self.registry_rules = registry_rules
        self.labels = LabelEncoder()
        self.found: dict[str, Permutation] = {}
        self.suffixes = _Suffixes()
        self.dropped = 0

    def add(self, fuzzer: str, batches: Candidates) -> None:
        for batch in batches:
            if batch.encoded:
                self._add_encoded(fuzzer, batch.suffix, batch.lefts, batch.encoded)
            else:
                self._add_batch(fuzzer, batch.suffix, batch.lefts)

    def _add_encoded(
        self, fuzzer: str, suffix: str, lefts: Sequence[str], encoded: Sequence[str | None]
    ) -> None:
        # Like _add_batch for labels whose A-labels the fuzzer computed (distinct labels).
        info = self.suffixes[suffix]
        found, strict = self.found, self.registry_rules
        allowed = None if info.any_letter else info.allowed
        idn = bool(allowed)  # False: the registry issues no IDN label at all
        tail, unicode_tail = "." + suffix, "." + info.unicode
        public, wildcard = info.children.names, info.children.wildcard
        dropped = 0
        for left, label in zip(lefts, encoded, strict=True):
            allows = allowed is None or left.isascii() or (idn and allowed.issuperset(left))
            if strict and not allows:
                label = None
            elif label == "":
                label = encode_label(left)
            if label is None or ((label in public or wildcard) and info.children.covers(label)):
                dropped += 1
                continue
            name = label + tail
            if name not in found:
                found[name] = _permutation(fuzzer, name, left + unicode_tail, allows)
        self.dropped += dropped

    def _add_batch(self, fuzzer: str, suffix: str, lefts: Sequence[str]) -> None:
        # The hot loop of the generator: flat, no Python call per candidate on the common path.
        info = self.suffixes[suffix]
        found, cache, strict = self.found, self.labels, self.registry_rules
        allowed = None if info.any_letter else info.allowed
        idn = bool(allowed)  # False: the registry issues no IDN label at all
        public, tail, unicode_tail = info.children.names, "." + suffix, "." + info.unicode
        wildcard = info.children.wildcard
        dropped = 0
        for left in dict.fromkeys(lefts):
            label: str | None
            if "." in left:
                label, allows = self._two_labels(left, info)
            else:
                allows = allowed is None or left.isascii() or (idn and allowed.issuperset(left))
                label = cache.get(left, _UNKNOWN)
                if label is _UNKNOWN:
                    label = cache[left] = encode_label(left)
                if label is not None and (label in public or wildcard):
                    label = None if info.children.covers(label) else label
            if label is None or (strict and not allows):
                dropped += 1
                continue
            name = label + tail
            if name not in found:
                found[name] = _permutation(fuzzer, name, left + unicode_tail, allows)
        self.dropped += dropped

    def _two_labels(self, left: str, info: _Suffix) -> tuple[str | None, bool]:
        # subdomain's candidates: a host label over a registrable label; only the registrable
        # one is the registry's business.
        head, tail = left.rsplit(".", 1)
        allows = tail.isascii() or info.any_letter or info.allowed.issuperset(tail)
        if "." in head:
            return None, allows
        ascii_head, ascii_tail = self.labels[head], self.labels[tail]
        if ascii_head is None or ascii_tail is None or info.children.covers(ascii_tail):
            return None, allows
        return ascii_head + "." + ascii_tail, allows


def generate(
    domain: str,
    *,
    fuzzers: Collection[str] | None = None,
    dictionary: Sequence[str] = DEFAULT_LURE_WORDS,
    tlds: Sequence[str] = DEFAULT_TLDS,
    registry_rules: bool = False,
) -> Generation:
    """Return the lookalikes of ``domain`` made by ``fuzzers`` (all of ``FUZZERS`` when None),
    gluing the ``dictionary`` words and swapping in the ``tlds``, with the dropped count.
    Names the registry would refuse are kept with ``registry_allows=False``, or left out
    (counted as dropped) when ``registry_rules``.

    Raises ``InvalidValue`` for a domain that is not a valid name or is a public suffix, an
    unknown fuzzer, a bad word (``check_word``) or a bad suffix (``check_tld``).
    """
    registrable, label, suffix = _split(domain)
    target = Target(
        label=label,
        suffix=suffix,
        words=_words(tuple(dictionary)),
        tlds=_tlds(tuple(tlds)),
        glyphs=glyph_table(suffix, registry_rules=registry_rules),
        registry_rules=registry_rules,
    )
    collector = _Collector(registry_rules)
    for name in _fuzzer_names(fuzzers):
        collector.add(name, FUZZERS[name](target))
    # The original comes back from some fuzzers (a vowel swapped for itself): not a lookalike.
    collector.found.pop(registrable, None)
    return Generation(registrable, tuple(collector.found.values()), collector.dropped)


def permutations(
    domain: str,
    *,
    fuzzers: Collection[str] | None = None,
    dictionary: Sequence[str] = DEFAULT_LURE_WORDS,
    tlds: Sequence[str] = DEFAULT_TLDS,
    registry_rules: bool = False,
) -> list[Permutation]:
    """Return the lookalikes of ``domain``, each name once (see ``generate``)."""
    found = generate(
        domain, fuzzers=fuzzers, dictionary=dictionary, tlds=tlds, registry_rules=registry_rules
    )
    return list(found.permutations)
