"""Punycode (RFC 3492) for lookalike labels, computed in closed form where the places of the
non-ASCII letters are known.

``punycode(label)`` equals ``label.encode("punycode")``, about three times faster: lookalike
labels hold one or two non-ASCII letters, and those cases need no loop. The homoglyph fuzzer
knows where it put its glyphs, so ``one_wide``, ``two_wide``, ``double_wide`` and
``double_and_one`` return whole rows of A-labels (``xn--`` + Punycode) from the ASCII rest,
the places and the code points, without looking at the labels at all. They do not check
IDNA 2008 rules: the caller vouches that the letters are valid (see ``labels.encode_label``).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "DIGIT_CACHE",
    "MAX_LABEL",
    "double_and_one",
    "double_wide",
    "one_wide",
    "punycode",
    "punycode_general",
    "two_wide",
    "two_wide_label",
]

MAX_LABEL = 63
_MAX_DIGITS = 8  # the most digits one insertion takes, at any bias, in a 63-letter label

_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"


def _adapt(delta: int, points: int, first: bool) -> int:
    # RFC 3492 section 6.1, with base 36, tmin 1, tmax 26, skew 38, damp 700.
    delta = delta // 700 if first else delta // 2
    delta += delta // points
    k = 0
    while delta > 455:
        delta //= 35
        k += 36
    return k + (36 * delta) // (delta + 38)


def _digits(delta: int, bias: int) -> str:
    # The generalised variable-length integer of RFC 3492 section 6.3.
    out = []
    k = 36
    while True:
        t = k - bias
        t = 1 if t < 1 else 26 if t > 26 else t
        if delta < t:
            out.append(_DIGITS[delta])
            return "".join(out)
        out.append(_DIGITS[t + (delta - t) % (36 - t)])
        delta = (delta - t) // (36 - t)
        k += 36


class _DigitCache(dict[int, str]):
    # Keyed by delta << 10 | bias (a bias stays far below 1024 for any label length).
    def __missing__(self, key: int) -> str:
        digits = self[key] = _digits(key >> 10, key & 1023)
        return digits


DIGIT_CACHE = _DigitCache()


def punycode(label: str) -> str:
    """Return the RFC 3492 Punycode of ``label`` (without ``xn--``), exactly as
    ``str.encode('punycode')`` does, about three times faster.

    Lookalike labels hold one or two non-ASCII characters, so those cases are computed in
    closed form; the general case walks only the non-ASCII characters (the ASCII ones between
    two of them are all smaller than the code point being inserted: counted, not visited).
    """
    basic = label.encode("ascii", "ignore").decode("ascii")
    size = len(basic)
    wide = len(label) - size
    if wide == 0:
        return basic + "-" if basic else ""
    head = basic + "-" if basic else ""
    if wide > 2 or "?" in label:
        return head + punycode_general(label, size)
    # Encoding with 'replace' marks each non-ASCII character with '?', found by C searches.
    marked = label.encode("ascii", "replace")
    first = marked.find(63)
    code = ord(label[first])
    if wide == 1:
        return head + DIGIT_CACHE[((code - 128) * (size + 1) + first) << 10 | 72]
    second = marked.find(63, first + 1)
    return head + two_wide_label(len(label), size, first, code, second, ord(label[second]))


def two_wide_label(length: int, size: int, first: int, code: int, second: int, other: int) -> str:
    """Return the Punycode digits (after the ASCII part and its hyphen) of a label of
    ``length`` characters, ``size`` of them ASCII, with code points ``code`` at ``first`` and
    ``other`` at ``second`` (``first < second``): RFC 3492's loop unrolled."""
    if code == other:
        delta = (code - 128) * (size + 1) + first
        then = second - first - 1
    elif code < other:
        delta = (code - 128) * (size + 1) + first
        then = length - first - 1 + (other - code - 1) * (size + 2) + second
    else:
        delta = (other - 128) * (size + 1) + second - 1
        then = length - second + (code - other - 1) * (size + 2) + first
    bias = _adapt(delta, size + 1, True)
    return DIGIT_CACHE[delta << 10 | 72] + DIGIT_CACHE[then << 10 | bias]


def one_wide(basic: str, place: int, codes: Sequence[int]) -> list[str | None]:
    """Return the A-labels of the ASCII ``basic`` with one letter inserted at ``place``, for
    each code point of ``codes`` (``None`` for one over 63 characters). The caller vouches
    that the labels are otherwise valid (see ``encode_label``): this is the homoglyph
    fuzzer's shortcut, one call for a whole row of glyphs."""
    size = len(basic)
    head = "xn--" + basic + "-" if size else "xn--"
    digits = DIGIT_CACHE
    made = [head + digits[((code - 128) * (size + 1) + place) << 10 | 72] for code in codes]
    return [label if len(label) <= MAX_LABEL else None for label in made]


def two_wide(
    basic: str, first: int, second: int, codes: Sequence[int], others: Sequence[int]
) -> list[str | None]:
    """Return the A-labels of the ASCII ``basic`` with letters inserted at ``first`` and
    ``second`` (their places in the result, ``first < second``), for each code point of
    ``codes`` at ``first`` and, within it, each of ``others`` at ``second``; ``None`` for one
    over 63 characters. The caller vouches for the rest, as for ``one_wide``."""
    # RFC 3492's loop unrolled for two insertions (see two_wide_label). The first digits and
    # the bias after them depend only on the smaller code point, inserted first: computed once
    # per code point, not once per label.
    size = len(basic)
    head = "xn--" + basic + "-" if size else "xn--"
    leads = {code: _lead(head, (code - 128) * (size + 1) + first, size) for code in set(codes)}
    lows = {other: _lead(head, (other - 128) * (size + 1) + second - 1, size) for other in others}
    step, same = size + 2, second - first - 1
    up, down = size + 1 - first + second, size + 2 - second + first
    digits = DIGIT_CACHE
    made: list[str | None] = []
    for code in codes:
        prefix, bias = leads[code]
        made += [
            prefix + digits[((other - code - 1) * step + up) << 10 | bias]
            if other > code
            else lows[other][0] + digits[((code - other - 1) * step + down) << 10 | lows[other][1]]
            if other < code
            else prefix + digits[same << 10 | bias]
            for other in others
        ]
    if len(head) + 2 * _MAX_DIGITS > MAX_LABEL:
        return [label if label is not None and len(label) <= MAX_LABEL else None for label in made]
    return made


def _lead(head: str, delta: int, size: int) -> tuple[str, int]:
    # The label's start up to the first insertion's digits, and the bias they leave.
    return head + DIGIT_CACHE[delta << 10 | 72], _adapt(delta, size + 1, True)


def punycode_general(label: str, size: int) -> str:
    wide = [(place, ord(char)) for place, char in enumerate(label) if char > "\x7f"]
    out = []
    handled = size
    code, delta, bias = 128, 0, 72
    for point in sorted({point for _, point in wide}):
        delta += (point - code) * (handled + 1)
        code = point
        last = 0
        for place, other in wide:
            delta += place - last
            last = place + 1
            if other < point:
                delta += 1
            elif other == point:
                out.append(DIGIT_CACHE[delta << 10 | bias])
                bias = _adapt(delta, handled + 1, handled == size)
                delta = 0
                handled += 1
        delta += len(label) - last + 1
        code += 1
    return "".join(out)


def double_wide(basic: str, place: int, codes: Sequence[int]) -> list[str | None]:
    """Return the A-labels of the ASCII ``basic`` with one letter inserted twice, at ``place``
    and ``place + 1``, for each code point of ``codes`` (``ọọ`` for a doubled ``oo``);
    ``None`` for one over 63 characters. The caller vouches for the rest, as for
    ``one_wide``."""
    size = len(basic)
    head = "xn--" + basic + "-" if size else "xn--"
    digits = DIGIT_CACHE
    made: list[str | None] = []
    for code in codes:
        # RFC 3492's loop unrolled: the second insertion follows the first (delta 0).
        delta = (code - 128) * (size + 1) + place
        label = head + digits[delta << 10 | 72] + digits[_adapt(delta, size + 1, True)]
        made.append(label if len(label) <= MAX_LABEL else None)
    return made


def double_and_one(
    basic: str, place: int, codes: Sequence[int], other_place: int, others: Sequence[int]
) -> list[str | None]:
    """Return the A-labels of the ASCII ``basic`` with, for each code point of ``codes``, that
    letter at ``place`` and ``place + 1`` and, within it, each of ``others`` at
    ``other_place`` (places in the result, ``other_place`` outside the pair); ``None`` for one
    over 63 characters, ``""`` (not computed) where a code point of ``others`` equals the
    doubled one. The caller vouches for the rest, as for ``one_wide``."""
    size = len(basic)
    head = "xn--" + basic + "-" if size else "xn--"
    # ASCII letters before the pair and after it, and before and after the single letter.
    before = place - (other_place < place)
    after = size + 1 - place - (other_place > place)
    other_before = other_place - 2 * (other_place > place)
    other_after = size + 2 - other_place - 2 * (place > other_place)
    digits = DIGIT_CACHE
    made: list[str | None] = []
    for code in codes:
        for other in others:
            if other == code:
                made.append("")
                continue
            if code < other:
                first = (code - 128) * (size + 1) + before
                bias = _adapt(first, size + 1, True)
                last = after + 1 + (other - code - 1) * (size + 3) + other_place
                tail = (
                    digits[first << 10 | 72]
                    + digits[bias]
                    + digits[last << 10 | _adapt(0, size + 2, False)]
                )
            else:
                first = (other - 128) * (size + 1) + other_before
                bias = _adapt(first, size + 1, True)
                second = other_after + 1 + (code - other - 1) * (size + 2) + place
                tail = (
                    digits[first << 10 | 72]
                    + digits[second << 10 | bias]
                    + digits[_adapt(second, size + 2, False)]
                )
            label = head + tail
            made.append(label if len(label) <= MAX_LABEL else None)
    return made
