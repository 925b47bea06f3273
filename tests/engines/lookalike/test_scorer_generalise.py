"""Rules meant to catch fakes the evaluation sets never showed: how fakes are built, not names."""

import functools

import pytest

from cleannet.engines.lookalike.brands_csv import BUNDLED_BRANDS, load_brands
from cleannet.engines.lookalike.lexicon import Lexicon
from cleannet.engines.lookalike.model import DEFAULT_THRESHOLD
from cleannet.engines.lookalike.scorer import Scorer


@functools.cache
def scorer() -> Scorer:
    brands, errors = load_brands(BUNDLED_BRANDS)
    assert errors == []
    return Scorer(brands)


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        # Vietnamese written one syllable a word around a short keyword
        ("tin-dung-uu-tien-vpb.com", "vpbank"),
        ("dich-vu-the-vvip-tpb.com", "tpbank"),
        ("ca-nhan-tcb.com", "techcombank"),
        # the brand itself written with hyphens
        ("dien-may-xanh.net", "thegioididong"),
        ("vn-express.net", "vnexpress"),
        ("viettel-pay.info", "viettel"),
        # a short keyword as a subdomain of a domain made of lure words
        ("vib.tang-han-muc-vn.com", "vib"),
        ("acb.chamsocthekhachang-tructuyen.com.vn", "acb"),
        # lure words and a stray letter or two next to the brand
        ("stcard-vib.com", "vib"),
        # a lookalike first letter
        ("iazada.com", "lazada"),
    ],
)
def test_fakes_built_the_usual_ways_alert(name, brand):
    verdict = scorer().score(name)
    assert verdict.brand == brand
    assert verdict.score >= DEFAULT_THRESHOLD, verdict.reasons


@pytest.mark.parametrize(
    "name",
    [
        "dichvucong.hanoi.gov.vn",  # only government bodies register under gov.vn
        "timocom.com",  # a suffix glued to a keyword makes another company's name
        "cbbank.vn",  # a full slip on the first letter is a different name
        "vib.example.com",  # a short keyword in a subdomain needs a risk signal
        "am-bo.com",  # short keywords are not read across hyphens
        "mbank.pl",
    ],
)
def test_names_that_only_look_close_do_not_alert(name):
    assert scorer().score(name).score < DEFAULT_THRESHOLD


def test_joined_syllables_give_strong_lure_words_only_when_words_explain_the_label():
    lexicon = Lexicon()
    assert lexicon.strong_words(["vib", "tang-han-muc-vn", "com"], 1) == {1: ["tanghanmuc"]}
    assert lexicon.strong_words(["qzxwvy-tang-han-muc", "com"], 0) == {}
    assert lexicon.strong_words(["mbank", "pl"], 0) == {}
