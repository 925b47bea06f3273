"""Public suffix and registrable domain of a normalised host, fast for the common case.

Core's ``public_suffix``/``registrable_domain`` normalise their input again and walk every
Public Suffix List rule depth (a few microseconds each); the scorer calls this for every name of
a certificate stream. For most hosts only the last two labels matter: when their top-level
domain has no wildcard rule and no rule of three or more labels ends in the host's last three
labels (``co.uk`` has deeper rules, but none under ``example.co.uk``), the suffix is the last
two labels if they are a rule, else the last one. Those hosts are answered here from a few sets;
every other host (``*.ck``, ``s3.amazonaws.com`` deep rules, exceptions …) goes to core, so the
answers are always core's (tests hold them equal, around every rule of the list).
"""

from __future__ import annotations

import functools

from publicsuffixlist import PublicSuffixList

from cleannet.core.indicators import public_suffix, registrable_domain

__all__ = ["suffix_and_registrable"]


_Sets = tuple[frozenset[str], dict[str, frozenset[str]], frozenset[str]]


@functools.cache
def _rule_sets() -> _Sets | None:
    # The rules are read from the same shipped list core uses; if the package ever stops
    # exposing them, every host takes core's path.
    rules = getattr(PublicSuffixList(), "_publicsuffix", None)
    if not isinstance(rules, frozenset):
        return None
    short: set[str] = set()
    deep: dict[str, set[str]] = {}
    wild_tlds: set[str] = set()
    for rule in rules:
        bare = rule.lstrip("!")
        labels = bare.split(".")
        if labels[0] == "*" and len(labels) == 2:
            wild_tlds.add(labels[1])
        elif len(labels) >= 3 or bare != rule or labels[0] == "*":
            # The third label from the right of every deeper rule ending in these two; "*"
            # (a wildcard, an exception or a rule of two labels) sends all their hosts to core.
            third = labels[-3] if len(labels) >= 3 and bare == rule else "*"
            deep.setdefault(".".join(labels[-2:]), set()).add(third)
        elif len(labels) == 2:
            short.add(bare)
    thirds = {tail: frozenset(found) for tail, found in deep.items()}
    return frozenset(short), thirds, frozenset(wild_tlds)


def suffix_and_registrable(host: str) -> tuple[str, str | None]:
    """Return (public suffix, registrable domain or None) of a normalised ASCII ``host``,
    exactly as core's ``public_suffix`` and ``registrable_domain`` answer."""
    sets = _rule_sets()
    labels = host.rsplit(".", 3)
    if sets is None or len(labels) < 2:
        return public_suffix(host), registrable_domain(host)
    short, deep, wild_tlds = sets
    last_two = f"{labels[-2]}.{labels[-1]}"
    thirds = deep.get(last_two)
    if labels[-1] in wild_tlds or (
        thirds is not None and ("*" in thirds or len(labels) < 3 or labels[-3] in thirds)
    ):
        return public_suffix(host), registrable_domain(host)
    # No rule of three or more labels matches the host: the short rules decide.
    if last_two not in short:
        return labels[-1], last_two
    if len(labels) < 3:
        return last_two, None  # the host is a public suffix itself
    return last_two, f"{labels[-3]}.{last_two}"
