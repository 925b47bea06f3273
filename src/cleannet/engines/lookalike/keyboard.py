"""Keyboard-aware edit distance: typos cost less when the keys are neighbours.

``typo_distance(a, b, limit)`` is a Damerau-Levenshtein distance (optimal string alignment)
with these costs, chosen so that the slips people make (and fakes imitate) weigh less:

=======================================================  =====
edit                                                     cost
=======================================================  =====
substitute a neighbouring QWERTY key (``n`` <-> ``m``)   0.5
substitute a lookalike letter (``i`` <-> ``l``: ``iazada``)  0.5
substitute any other character                           1
swap two adjacent characters (``vietcmobank``)           0.5
insert/delete a doubled letter (``shopee`` <-> ``shope``)  0.5
insert/delete a Telex key after its vowel (``aa``, ``ow``,  0.5
``uw``, ``dd``: how Vietnamese is typed on QWERTY)
insert/delete any other character                        1
=======================================================  =====

Costs only go down from plain edit distance, so a weighted distance never exceeds the plain
one and the deletion index (plain distance) finds every candidate this scores.
"""

from __future__ import annotations

__all__ = ["are_neighbours", "typo_distance"]

_ROWS = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_HALF = 0.5


def _neighbour_table() -> dict[str, frozenset[str]]:
    grid = {char: (row, col) for row, keys in enumerate(_ROWS) for col, char in enumerate(keys)}
    table: dict[str, frozenset[str]] = {}
    for char, (row, col) in grid.items():
        # A key touches the keys beside it and the two above and below (rows are staggered).
        near = {(row, col - 1), (row, col + 1), (row - 1, col), (row - 1, col + 1)}
        near |= {(row + 1, col), (row + 1, col - 1)}
        table[char] = frozenset(other for other, spot in grid.items() if spot in near)
    return table


_NEIGHBOURS = _neighbour_table()
# Substitutions at half price: neighbouring keys, and the lower-case letters a reader takes
# one for the other that the visual fold keeps apart (``i``/``l``).
_HALF_PRICE = {
    **_NEIGHBOURS,
    "i": _NEIGHBOURS["i"] | {"l"},
    "l": _NEIGHBOURS["l"] | {"i"},
}
# Telex writes â ê ô as aa ee oo, đ as dd, ơ ư ă as ow uw aw: the second key is extra.
_TELEX_EXTRA = {"a": "aw", "e": "e", "o": "ow", "u": "w", "d": "d"}


def are_neighbours(first: str, second: str) -> bool:
    """Return whether two characters are neighbouring keys on a QWERTY keyboard."""
    return second in _NEIGHBOURS.get(first, frozenset())


def _substitution(first: str, second: str) -> float:
    if first == second:
        return 0.0
    return _HALF if second in _HALF_PRICE.get(first, frozenset()) else 1.0


def _indel(text: str, index: int) -> float:
    # Cost of inserting or deleting text[index], cheaper when it repeats or completes a key.
    char = text[index]
    before = text[index - 1] if index > 0 else ""
    if char == before or (before and char in _TELEX_EXTRA.get(before, "")):
        return _HALF
    return 1.0


def typo_distance(first: str, second: str, limit: float = 2.0) -> float:
    """Return the keyboard-weighted edit distance of two strings, or ``limit + 1`` as soon as
    it is certain to exceed ``limit`` (rows of the table all over it)."""
    previous: list[float] = [0.0]
    for index in range(len(second)):
        previous.append(previous[-1] + _indel(second, index))
    before_previous: list[float] = []
    for row in range(1, len(first) + 1):
        current = [previous[0] + _indel(first, row - 1)]
        for col in range(1, len(second) + 1):
            cost = min(
                previous[col] + _indel(first, row - 1),
                current[col - 1] + _indel(second, col - 1),
                previous[col - 1] + _substitution(first[row - 1], second[col - 1]),
            )
            swapped = row > 1 and col > 1 and first[row - 1] == second[col - 2]
            if swapped and first[row - 2] == second[col - 1] and first[row - 1] != second[col - 1]:
                cost = min(cost, before_previous[col - 2] + _HALF)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before_previous, previous = previous, current
    return previous[-1]
