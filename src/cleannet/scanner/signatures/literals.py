"""The literal text a regex cannot match without: the key of the filename-IOC prefilter.

A combined alternation of thousands of regexes costs as much as running them one by one
(Python's ``re`` tries every branch at every position), so filename IOCs are prefiltered:
each regex's longest required ASCII literal run goes into one Aho-Corasick automaton, and only
the regexes whose literal occurs in the (case-folded) path are run.

The literal is taken from the parsed regex, only from parts that every match must contain
(the top-level sequence, groups without repetition, and bodies repeated at least once). It
is compared lower-case against ``fold_path(path)``; a case-sensitive literal found in a path
is also found lower-case, so the prefilter never hides a match.
"""

from __future__ import annotations

import re

# Python's own regex parser: the one authority on what a pattern means. Private, but stable
# across 3.11 (it is the former sre_parse, whose public name warns on import).
import re._parser as _sre_parse  # type: ignore[import-not-found]
from collections.abc import Iterator
from typing import Any

__all__ = ["MIN_LITERAL", "fold_path", "required_literal"]

MIN_LITERAL = 3
_BREAK = None
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
_ZERO_WIDTH = {"AT"}
# Characters that (?i) matches to an ASCII letter although lower() does not map them there.
_FOLD = str.maketrans({"ı": "i", "ſ": "s"})


def fold_path(path: str) -> str:
    """The form of a path the prefilter literals are looked up in."""
    return path.lower().translate(_FOLD)


def _items(parsed: Any) -> Iterator[str | None]:
    """Yield the required characters of a parsed sequence in order, ``None`` at a gap."""
    for op, value in parsed:
        name = str(op)
        if name == "LITERAL":
            yield chr(value) if value < 128 else _BREAK
        elif name == "SUBPATTERN":
            yield from _items(value[-1])
        elif name in _REPEATS and value[0] >= 1:
            yield _BREAK
            yield from _items(value[2])
            yield _BREAK
        elif name not in _ZERO_WIDTH:
            yield _BREAK


def required_literal(pattern: str) -> str | None:
    """The longest literal run every match of ``pattern`` contains, lower-cased, or ``None``
    if there is none of at least ``MIN_LITERAL`` characters (or the pattern does not parse).
    """
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    best = ""
    run: list[str] = []
    for char in _items(parsed):
        if char is None:
            run = []
            continue
        run.append(char)
        if len(run) > len(best):
            best = "".join(run)
    return best.lower() if len(best) >= MIN_LITERAL else None
