"""The homoglyph fuzzer: one or two lookalike glyphs swapped into a label, A-labels included.

dnstwist's homoglyph fuzzer swaps glyphs in twice (every swap, then every swap of every
result). This module makes the same set of labels, described by *sites* of the original
label: a character (``a``), a doubled character swapped as a whole (``oo`` -> ``ọọ``) or a
two-letter key (``rn`` -> ``m``, ``ae`` -> ``æ``). A swap never touches a non-ASCII glyph
again (no glyph has a key there), so two swaps with a non-ASCII glyph are exactly two
disjoint sites; a second swap after an ASCII glyph may use a site that glyph made (``m`` ->
``rn`` -> ``rm``) and is made by swapping in the first result.

Making the labels site by site means the position of each non-ASCII glyph and the ASCII
rest are known, so the A-label comes from ``punycode.one_wide``/``two_wide``/``double_wide``/
``double_and_one`` without scanning the label: the generator's costliest step. Labels this
path does not cover (two doubled glyphs, an ASCII result, a brand label that is not ASCII)
are left to ``labels.encode_label``.
"""

from __future__ import annotations

from collections.abc import Mapping

from cleannet.engines.lookalike.punycode import double_and_one, double_wide, one_wide, two_wide

__all__ = ["Site", "homoglyph_labels", "swap_glyphs"]

UNKNOWN = ""
"""In the A-labels list: not computed here, left to the generator's encoder."""

Glyphs = Mapping[str, tuple[str, ...]]
Site = tuple[int, int, tuple[str, ...], tuple[str, ...]]
"""``(start, end, ascii_glyphs, other_glyphs)``: a span of the label and what may replace it."""


def swap_glyphs(text: str, glyphs: Glyphs) -> list[str]:
    """Return ``text`` with each site swapped for each of its glyphs (one swap each)."""
    made = [
        text[:i] + g + text[i + 1 :] for i, char in enumerate(text) for g in glyphs.get(char, ())
    ]
    for i in range(len(text) - 1):
        pair = text[i : i + 2]
        if pair[0] == pair[1]:
            made += [text[:i] + g + g + text[i + 2 :] for g in glyphs.get(pair[0], ())]
        if pair in glyphs:
            made += [text[:i] + g + text[i + 2 :] for g in glyphs[pair]]
    return made


def _sites(label: str, glyphs: Glyphs) -> list[Site]:
    sites: list[Site] = []

    def add(start: int, end: int, made: list[str]) -> None:
        if made:
            ascii_made = tuple(g for g in made if g.isascii())
            sites.append((start, end, ascii_made, tuple(g for g in made if not g.isascii())))

    for i, char in enumerate(label):
        add(i, i + 1, list(glyphs.get(char, ())))
        pair = label[i : i + 2]
        if len(pair) == 2 and pair[0] == pair[1]:
            add(i, i + 2, [g + g for g in glyphs.get(char, ())])
        if len(pair) == 2 and pair in glyphs:
            add(i, i + 2, list(glyphs[pair]))
    return sites


def homoglyph_labels(label: str, glyphs: Glyphs) -> dict[str, str | None]:
    """Return every label one or two glyph swaps make, each with its A-label (``None`` when
    over 63 characters, ``UNKNOWN`` when left to the encoder). Equal, as a set of labels, to
    two rounds of ``swap_glyphs`` (the first round's results and the second's)."""
    if not label.isascii() or "--" in label:
        # Positions shift under a non-ASCII brand label, and a shorter glyph could bring a
        # '--' to the 3rd and 4th places: the encoder checks those labels one by one.
        first: dict[str, str | None] = dict.fromkeys(swap_glyphs(label, glyphs), UNKNOWN)
        again = [made for text in first for made in swap_glyphs(text, glyphs)]
        return first | dict.fromkeys(again, UNKNOWN)
    sites = _sites(label, glyphs)
    made: dict[str, str | None] = {}
    ascii_made = _one_site(label, sites, made)
    _two_sites(label, sites, made)
    for text in ascii_made:
        # After an ASCII glyph the second swap may use a site the glyph made (m -> rn -> rm).
        for swapped in swap_glyphs(text, glyphs):
            made.setdefault(swapped, UNKNOWN)
    return made


def _singles(glyphs: tuple[str, ...]) -> tuple[list[str], list[int]]:
    # The one-character glyphs of a site and their code points (doubled ones are left out).
    single = [glyph for glyph in glyphs if len(glyph) == 1]
    return single, [ord(glyph) for glyph in single]


def _doubled(glyphs: tuple[str, ...]) -> tuple[list[str], list[int]]:
    # The glyphs of a doubled site (``ọọ`` for ``oo``) and the code point written twice.
    double = [glyph for glyph in glyphs if len(glyph) == 2 and glyph[0] == glyph[1]]
    return double, [ord(glyph[0]) for glyph in double]


def _odd(glyphs: tuple[str, ...]) -> list[str]:
    # Glyphs neither single nor doubled (none in today's tables): left to the encoder.
    return [g for g in glyphs if len(g) > 1 and not (len(g) == 2 and g[0] == g[1])]


def _one_site(label: str, sites: list[Site], made: dict[str, str | None]) -> list[str]:
    # Rows of computed A-labels go in with update(): a label made before keeps its place and
    # gets the same A-label (or one where it had UNKNOWN). Returns the ASCII labels made.
    ascii_made: dict[str, None] = {}
    for start, end, ascii_glyphs, other_glyphs in sites:
        head, tail = label[:start], label[end:]
        for glyph in ascii_glyphs:
            made.setdefault(head + glyph + tail, UNKNOWN)
            ascii_made[head + glyph + tail] = None
        single, codes = _singles(other_glyphs)
        made.update(
            zip([head + g + tail for g in single], one_wide(head + tail, start, codes), strict=True)
        )
        double, double_codes = _doubled(other_glyphs)
        encoded = double_wide(head + tail, start, double_codes)
        made.update(zip([head + g + tail for g in double], encoded, strict=True))
        for glyph in _odd(other_glyphs):
            made.setdefault(head + glyph + tail, UNKNOWN)
    return list(ascii_made)


def _two_sites(label: str, sites: list[Site], made: dict[str, str | None]) -> None:
    # Two disjoint sites, at least one with a non-ASCII glyph (two ASCII glyphs are made by
    # the second swap after an ASCII glyph).
    for n, (start, end, ascii_first, other_first) in enumerate(sites):
        for later, stop, ascii_second, other_second in sites[n + 1 :]:
            if later >= end:
                pair = (label[:start], label[end:later], label[stop:])
                _both_wide(pair, other_first, other_second, made)
                _one_wide_of_two(pair, other_first, ascii_second, made, wide_first=True)
                _one_wide_of_two(pair, other_second, ascii_first, made, wide_first=False)


def _both_wide(
    pair: tuple[str, str, str],
    firsts: tuple[str, ...],
    seconds: tuple[str, ...],
    made: dict[str, str | None],
) -> None:
    head, middle, tail = pair
    xs, x_codes = _singles(firsts)
    ys, y_codes = _singles(seconds)
    second = len(head) + 1 + len(middle)
    basic = head + middle + tail
    lefts = [head + x + middle for x in xs]
    rights = [y + tail for y in ys]
    texts = [left + right for left in lefts for right in rights]
    made.update(zip(texts, two_wide(basic, len(head), second, x_codes, y_codes), strict=True))
    # A doubled glyph and a single one: three letters, still in closed form.
    xxs, xx_codes = _doubled(firsts)
    texts = [head + xx + middle + right for xx in xxs for right in rights]
    made.update(
        zip(texts, double_and_one(basic, len(head), xx_codes, second + 1, y_codes), strict=True)
    )
    yys, yy_codes = _doubled(seconds)
    texts = [left + yy + tail for yy in yys for left in lefts]
    made.update(
        zip(texts, double_and_one(basic, second, yy_codes, len(head), x_codes), strict=True)
    )
    # Two doubled glyphs (four letters) and odd glyphs are left to the encoder.
    odd_x, odd_y = _odd(firsts), _odd(seconds)
    left_over = [(x, y) for x in xxs for y in yys]
    left_over += [(x, y) for x in firsts for y in seconds if x in odd_x or y in odd_y]
    for x, y in left_over:
        made.setdefault(head + x + middle + y + tail, UNKNOWN)


def _one_wide_of_two(
    pair: tuple[str, str, str],
    wides: tuple[str, ...],
    asciis: tuple[str, ...],
    made: dict[str, str | None],
    *,
    wide_first: bool,
) -> None:
    head, middle, tail = pair
    singles, codes = _singles(wides)
    doubles, double_codes = _doubled(wides)
    for other in asciis:
        if wide_first:
            lefts, right = [head + g for g in singles + doubles], middle + other + tail
            basic, place = head + middle + other + tail, len(head)
        else:
            lefts, right = [head + other + middle + g for g in singles + doubles], tail
            basic, place = head + other + middle + tail, len(head) + len(other) + len(middle)
        encoded = one_wide(basic, place, codes) + double_wide(basic, place, double_codes)
        made.update(zip([left + right for left in lefts], encoded, strict=True))
        for wide in _odd(wides):
            text = (
                head + wide + middle + other + tail
                if wide_first
                else head + other + middle + wide + tail
            )
            made.setdefault(text, UNKNOWN)
