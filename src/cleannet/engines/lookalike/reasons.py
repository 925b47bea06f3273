"""The scorer's reason codes, their English text and their points.

A verdict's score is the points of its strongest *match* reason (how the brand appears) plus
the points of every *signal* reason (what makes the name riskier), capped at 100. A name with no
match reason has no brand and scores 0. The alert threshold is ``model.DEFAULT_THRESHOLD`` (60).

Match reasons (one counts: the strongest)

=====================  ======  ============================================================
code                   points  when
=====================  ======  ============================================================
official-domain        0       the name is a brand's official domain or below one (checked
                               first; the verdict is ``official``)
official-host-prefix   80      an official name followed by more text
                               (``vietcombank.com.vn-abc.xyz``, ``….com.vn.secure-login.ru``),
                               or cut at its suffix and glued on (``acb.com-ab.to``)
brand-exact-label      70      the registrable label is a keyword (``vietcombank.id.vn``);
                       45      for keywords of 3 characters or fewer (``vcb.com``)
brand-with-lure        70      the rest of a label is known words (typos and doubled letters
                               forgiven: ``smrt``, ``bankk``; syllables also read with their
                               hyphens dropped: ``tin-dung-uu-tien``), a strong lure among
                               them (``vietcombank-xacminh``, ``vpbcards``); 65 short
                               keyword; 5 fewer with up to 2 letters no word explains, the
                               keyword at a word edge (``stcard-vib``)
brand-with-words       65      the rest of a label is known words, none a strong lure:
                               weak lures (``-app``, ``vn``, ``24h``), ordinary words
                               (``shop``, ``cafe``), country codes, numbers (``tikishop``,
                               ``acb-vn``); 60 for keywords of 5 characters or fewer; 55
                               short keyword glued to ordinary words only (``shbfinance``);
                               a keyword with only ``com``/``net``/``org`` glued after it is
                               another name (``timocom``)
brand-in-subdomain     60      a keyword as a whole word in a subdomain of an unrelated
                               domain (``vietcombank.vn.com``, ``cskh-evnspc.vn.aptoide.com``);
                       50      long keyword at one word edge, or a short keyword as a whole
                               label when the registrable label reads as lure words
                               (``vib.tanghanmuc-vn.com``); 45 other short keywords (need a
                               risk signal, see below)
brand-in-label         60      keyword as a whole word in the registrable label with letters
                               no word explains (``vietcombank-abc.com``), or a keyword of
                               6+ characters at one word edge or with at most 2 such letters
                               (``cafegarenaff``); 55 keyword of 7+ characters anywhere
                               (``cnvietcombankx``) or of 4–5 at an edge with at most 2
                               such letters (``biidvd``); 35 short or medium keyword
                               (needs a risk signal)
edit-distance          70–35   a word within keyboard-weighted edit distance of a keyword
                               (``vietcombak``): 8+ characters 70/65/55/50 at distance
                               ≤0.5/1/1.5/2; 6–7 characters 65/60/55/50; 5 characters
                               50/45; 10 more when the word starts with another keyword of
                               the brand (``tpbnrk``: ``tpb``); 10 fewer in a subdomain and
                               under a foreign country's suffix (``mbank.pl``), 5 fewer for a
                               full slip on the first letter (``cbbank``; ``i``/``l`` cost
                               half: ``iazada``); a word of the lexicon is never a typo
                               (``arena``)
brand-in-path          40      the URL path names the brand (``/vietcombank/login``);
                               10 as a signal when the host matched too
=====================  ======  ============================================================

Signal reasons (all count)

=====================  ======  ============================================================
homoglyph              15      the brand appears only once lookalike letters are folded
                               (``vietcornbank``, Cyrillic ``а``, ``vietc0mbank``)
doubled-letters        10      the brand appears only once doubled letters are cut to one
                               (``vviietcombank``)
diacritics             15      the brand appears once Vietnamese marks are dropped
                               (``viẹtcombank.vn``)
mixed-script           25      a label mixes Latin with Cyrillic or Greek letters
idn-not-allowed        10      a non-ASCII label the registry would not issue (Vietnamese
                               letters under ``com.vn``; only directly under ``vn``)
risky-suffix           15      a cheap suffix (``top``, ``xyz``, ``id.vn`` …)
suffix-trick           20      a registrable domain that looks like a suffix (``vn.com``)
hosting-platform       15      a hosting platform hands out the name (``vercel.app``,
                               ``aptoide.com`` …)
lure-word              10      each strong lure word (``xacminh``, ``login``) in the host or
                               path outside the label the match used, at most 20
ip-host                15      a URL whose host is a bare IP address
=====================  ======  ============================================================

Keywords of 4+ characters are also looked for with a label's hyphens dropped (the *joined*
form: ``dien-may-xanh``, ``vn-express``) and count like the keyword. A name under a suffix only
government bodies register (``lists.GOVERNMENT_SUFFIXES``: ``gov.vn``) scores 0.

Known words are the lexicon's (``lexicon``, ``lists``): strong and weak lure words, ordinary
words and country codes. Keywords of 3 characters or fewer (``vcb``, ``mb``, ``acb``) count
next to known words only, or as whole words (label start or end, hyphen, digit) with a risk
signal (a strong lure word, a risky suffix, a suffix trick, a hosting platform, an IP host);
``vibe``, ``ocbc``, ``acbl`` hold a short keyword by chance and do not count. Keywords of 4–5
characters need the signal when they touch a word edge on one side only and the rest is not
(nearly) words.
"""

from __future__ import annotations

from cleannet.engines.lookalike.model import Reason

__all__ = ["MATCH_CODES", "TEXTS", "reason"]

TEXTS: dict[str, str] = {
    "official-domain": "{detail} is an official domain of the brand.",
    "official-host-prefix": (
        "The official name {detail} is followed by more text, so someone else owns this name."
    ),
    "brand-exact-label": "The domain is the brand keyword {detail} under a suffix the brand "
    "does not own.",
    "brand-with-lure": "The brand keyword is joined with lure words: {detail}.",
    "brand-with-words": "The brand keyword is joined with other words: {detail}.",
    "brand-in-subdomain": "The brand keyword {detail} is in a subdomain of an unrelated domain.",
    "brand-in-label": "The brand keyword {detail} is part of the domain name.",
    "edit-distance": "{detail} is a typing slip away from the brand keyword.",
    "brand-in-path": "The URL path names the brand: {detail}.",
    "homoglyph": "Lookalike characters spell the brand keyword: {detail}.",
    "doubled-letters": "Doubled letters disguise the brand keyword: {detail}.",
    "diacritics": "Vietnamese marks added to the brand keyword: {detail}.",
    "mixed-script": "A label mixes Latin with Cyrillic or Greek letters: {detail}.",
    "idn-not-allowed": "The registry does not issue a label like {detail} there.",
    "risky-suffix": "Registered under a cheap suffix that fakes favour: {detail}.",
    "suffix-trick": "{detail} looks like a suffix but is one registrable domain, owned by "
    "someone else.",
    "hosting-platform": "Hosted on a platform that gives anyone a name: {detail}.",
    "lure-word": "A lure word fakes use: {detail}.",
    "ip-host": "The URL's host is a bare IP address: {detail}.",
}

MATCH_CODES = frozenset(
    {
        "official-domain",
        "official-host-prefix",
        "brand-exact-label",
        "brand-with-lure",
        "brand-with-words",
        "brand-in-subdomain",
        "brand-in-label",
        "edit-distance",
        "brand-in-path",
    }
)
"""Codes that say how the brand appears; a verdict counts the strongest of them."""


def reason(code: str, points: int, detail: str) -> Reason:
    """Return the ``Reason`` for ``code`` with its English text filled in."""
    return Reason(code=code, text=TEXTS[code].format(detail=detail), points=points, detail=detail)
