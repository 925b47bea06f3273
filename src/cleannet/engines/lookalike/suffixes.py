"""Public suffix and registrable domain of a normalised host, fast for the common case.

Core's ``public_suffix``/``registrable_domain`` normalise their input again and walk every
Public Suffix List rule depth (a few microseconds each); the scorer calls this for every name of
a certificate stream. For most hosts only the last two labels matter: when no rule of three or
more labels ends in them and their top-level domain has no wildcard rule, the suffix is the last
two labels if they are a rule, else the last one. Those hosts are answered here from two sets;
every other host (``*.ck``, ``s3.amazonaws.com`` deep rules …) goes to core, so the answers are
always core's (a test holds them equal).
"""

from __future__ import annotations

import functools

from publicsuffixlist import PublicSuffixList

from cleannet.core.indicators import public_suffix, registrable_domain

__all__ = ["suffix_and_registrable"]


@functools.cache
def _rule_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    # The rules are read from the same shipped list core uses; if the package ever stops
    # exposing them, every host takes core's path.
    rules = getattr(PublicSuffixList(), "_publicsuffix", None)
    if not isinstance(rules, frozenset):
        return None
    short: set[str] = set()
    deep: set[str] = set()
    wild_tlds: set[str] = set()
    for rule in rules:
        bare = rule.lstrip("!")
        labels = bare.split(".")
        if labels[0] == "*" and len(labels) == 2:
            wild_tlds.add(labels[1])
        elif len(labels) >= 3 or bare != rule or labels[0] == "*":
            deep.add(".".join(labels[-2:]))
        elif len(labels) == 2:
            short.add(bare)
    return frozenset(short), frozenset(deep), frozenset(wild_tlds)


def suffix_and_registrable(host: str) -> tuple[str, str | None]:
    """Return (public suffix, registrable domain or None) of a normalised ASCII ``host``,
    exactly as core's ``public_suffix`` and ``registrable_domain`` answer."""
    sets = _rule_sets()
    labels = host.rsplit(".", 2)
    if sets is None or len(labels) < 2:
        return public_suffix(host), registrable_domain(host)
    short, deep, wild_tlds = sets
    last_two = f"{labels[-2]}.{labels[-1]}"
    if labels[-1] in wild_tlds or last_two in deep:
        return public_suffix(host), registrable_domain(host)
    if last_two not in short:
        return labels[-1], last_two
    if len(labels) < 3:
        return last_two, None  # the host is a public suffix itself
    return last_two, f"{labels[0].rpartition('.')[2]}.{last_two}"
