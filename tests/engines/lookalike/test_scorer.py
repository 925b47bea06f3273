import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleannet.core.errors import InvalidValue
from cleannet.engines.lookalike.brands_csv import BUNDLED_BRANDS, load_brands
from cleannet.engines.lookalike.model import Brand
from cleannet.engines.lookalike.scorer import LineError, Scorer


@functools.cache
def scorer() -> Scorer:
    brands, errors = load_brands(BUNDLED_BRANDS)
    assert errors == []
    return Scorer(brands)


def codes(name: str) -> set[str]:
    return {item.code for item in scorer().score(name).reasons}


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        ("vietcombank-xacminh.com", "vietcombank"),
        ("vcb-hotro247.top", "vietcombank"),
        ("vietcombank.com.vn-abc.xyz", "vietcombank"),
        ("vietcombank.com.vn.secure-login.ru", "vietcombank"),
        ("cskh-evnspc.vn.aptoide.com", "evn"),
        ("vietcornbank.com", "vietcombank"),
        ("viẹtcombank.vn", "vietcombank"),
        ("vietcombak.com", "vietcombank"),
        ("vietcombank.vn.com", "vietcombank"),
        ("vietcombank.id.vn", "vietcombank"),
        ("state-bank.vercel.app", None),
        ("*.techcombank-uudai.online", "techcombank"),
        ("https://shopee-hoantien.xyz/login", "shopee"),
        ("momo-khuyenmai.top", "momo"),
        ("bidv-smartbanking.net", "bidv"),
        ("xn--vietcombnk-6qi.vn", "vietcombank"),
        ("tikishop.vip", "tiki"),
        ("vipshopee.com", "shopee"),
        ("sinhnhat-vpbank.com", "vpbank"),
        ("vpbanks-uudai.com", "vpbank"),
        ("vpbcards.online", "vpbank"),
        ("acb-online.co", "acb"),
        ("vietcombankk.com", "vietcombank"),
        ("vviietcombank.com", "vietcombank"),
        ("bidvsmort.com", "bidv"),
        ("smrtbbidv.com", "bidv"),
        ("msbbankk.online", "msb"),
        ("tpbnrk.com", "tpbank"),
        ("acb.com-ab.to", "acb"),
        ("gdtgov.cfd", "gdt"),
    ],
)
def test_the_fakes_criminals_register_alert(name, brand):
    verdict = scorer().score(name)
    if brand is None:
        assert not verdict.is_alert()
        return
    assert verdict.brand == brand
    assert verdict.is_alert(), verdict


@pytest.mark.parametrize(
    "name",
    [
        "vcbs.com.vn",
        "ebanking.vietcombank.com.vn",
        "evnhanoi.vn",
        "www.evnspc.vn",
        "tcbs.com.vn",
        "fecredit.com.vn",
        "viettelpost.com.vn",
    ],
)
def test_official_domains_and_subsidiaries_are_official_with_score_zero(name):
    verdict = scorer().score(name)
    assert verdict.official
    assert verdict.score == 0
    assert not verdict.is_alert()
    assert codes(name) == {"official-domain"}


@pytest.mark.parametrize(
    "name",
    [
        "acbuilder.com",
        "abidvision.net",
        "www.timothy.com",
        "grabcad.com",
        "mbappe.fr",
        "member.example.org",
        "cloud.example.com",
        "vietnamnet.vn",
        "sends.com",
        "momoland.com",
        "acb.com",
        "mbank.pl",
        "vietbao.vn",
        "tikiwiki.org",
        "vibes.com",
        "ocbc.com",
        "bidvestbank.co.za",
        "mbsprite.com",
        "arena.xyz",
        "peban.xyz",
    ],
)
def test_unrelated_names_holding_a_brands_letters_do_not_alert(name):
    assert not scorer().score(name).is_alert()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("vietcombank.com.vn-abc.xyz", "official-host-prefix"),
        ("vietcombank.top", "brand-exact-label"),
        ("vietcombank-xacminh.com", "brand-with-lure"),
        ("vietcombank.example.com", "brand-in-subdomain"),
        ("vietcombank-abc.com", "brand-in-label"),
        ("tikishop.com", "brand-with-words"),
        ("vviietcombank.com", "doubled-letters"),
        ("vietcombak.com", "edit-distance"),
        ("https://news.example.com/vietcombank/login", "brand-in-path"),
        ("vietcornbank.com", "homoglyph"),
        ("viẹtcombank.vn", "diacritics"),
        ("xn--vietcombnk-6qi.vn", "mixed-script"),
        ("viẹtcombank.com.vn", "idn-not-allowed"),
        ("vietcombank.xyz", "risky-suffix"),
        ("vietcombank.vn.com", "suffix-trick"),
        ("vietcombank.vercel.app", "hosting-platform"),
        ("vietcombank.example.com/dangnhap", "lure-word"),
        ("http://10.1.2.3/vietcombank/", "ip-host"),
        ("www.vietcombank.com.vn", "official-domain"),
    ],
)
def test_every_reason_code_fires(name, code):
    assert code in codes(name)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("vietcombank.com.vn", "official-host-prefix"),
        ("vietcombank-abc.com", "brand-exact-label"),
        ("vietcombank-abc.com", "brand-with-lure"),
        ("vietcombank.com", "brand-in-subdomain"),
        ("abidvision.net", "brand-in-label"),
        ("vietcombank-xacminh.com", "brand-with-words"),
        ("smrtbbidv.com", "doubled-letters"),
        ("vietcombank.com", "edit-distance"),
        ("vietcombank.xyz", "brand-in-path"),
        ("vietcombank.com", "homoglyph"),
        ("vietcombank.vn", "diacritics"),
        ("viẹtcombank.vn", "mixed-script"),
        ("viẹtcombank.vn", "idn-not-allowed"),
        ("vietcombank.com", "risky-suffix"),
        ("vietcombank.com", "suffix-trick"),
        ("vietcombank.com", "hosting-platform"),
        ("vietcombank-app.com", "lure-word"),
        ("https://vietcombank.xyz/x", "ip-host"),
        ("vietcombank.xyz", "official-domain"),
    ],
)
def test_every_reason_code_stays_quiet_when_it_should(name, code):
    assert code not in codes(name)


def test_short_keywords_count_only_next_to_known_words():
    assert scorer().score("vcb-shop.com").is_alert()
    assert scorer().score("acb-vn.com").is_alert()
    assert scorer().score("vnmsb2023.com").is_alert()  # glued to a lure word and a number
    assert not scorer().score("vcbshop.com").is_alert()  # glued to an ordinary word only
    assert scorer().score("vcbshop.xyz").is_alert()  # ... on a cheap suffix
    assert scorer().score("vcbxqzt.xyz").brand is None  # glued to letters no word explains


def test_the_verdict_names_the_host_and_registrable_domain():
    verdict = scorer().score("*.Vietcombank.com.vn.secure-login.ru.")
    assert verdict.host == "vietcombank.com.vn.secure-login.ru"
    assert verdict.registrable == "secure-login.ru"
    assert verdict.input == "*.Vietcombank.com.vn.secure-login.ru."
    assert 0 <= verdict.score <= 100
    assert all(item.text for item in verdict.reasons)


def test_an_unrelated_name_scores_zero_without_a_brand():
    verdict = scorer().score("mail.example.com")
    assert (verdict.brand, verdict.score, verdict.reasons) == (None, 0, ())
    assert verdict.registrable == "example.com"


def test_the_brand_with_the_highest_score_is_chosen():
    assert scorer().score("tpbank-xacminh.com").brand == "tpbank"
    assert scorer().score("vpbank-xacminh.com").brand == "vpbank"


def test_custom_lure_words_and_suffixes_are_used():
    custom = Scorer(
        [Brand("acme", "Acme", ("acme.vn",), ("acmebank",))],
        lure_words={"ngaymai"},
        risky_suffixes={"com"},
    )
    verdict = custom.score("acmebank-ngaymai.com")
    assert {item.code for item in verdict.reasons} == {"brand-with-lure", "risky-suffix"}


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("localhost", "single label"),
        ("192.0.2.1", "IP address"),
        ("a" * 64 + ".com", "over 63"),
        (("a" * 60 + ".") * 5 + "com", "over 253"),
        ("exa mple.com", "letters, digits"),
        ("vietcombank\ufffd.com", "not UTF-8"),
        ("vietcombank\x00.com", "control"),
        ("Ä‘ienluc.vn", "mixed encodings"),
        ("mailto:someone", "no '//'"),
    ],
)
def test_unusable_input_raises_invalid_value_naming_why(text, why):
    with pytest.raises(InvalidValue) as caught:
        scorer().score(text)
    assert caught.value.field == "name"
    assert why in str(caught.value)


def test_a_stream_reports_bad_lines_and_goes_on():
    lines = [
        "vietcombank-xacminh.com\n",
        "\n",
        "# comment\n",
        "bad name.com\n",
        b"\xff\xfe",
        b"example.org",
    ]
    results = list(scorer().score_many(lines))
    assert [type(item).__name__ for item in results] == [
        "Verdict",
        "LineError",
        "LineError",
        "Verdict",
    ]
    error = results[1]
    assert isinstance(error, LineError)
    assert (error.line, error.input) == (4, "bad name.com")
    assert "UTF-8" in results[2].reason


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_scoring_any_text_gives_a_verdict_in_range_or_invalid_value(text):
    try:
        verdict = scorer().score(text)
    except InvalidValue:
        return
    assert 0 <= verdict.score <= 100


_HOSTISH = st.from_regex(
    r"(\*\.)?[a-z0-9ạđ\-]{1,20}(\.[a-z0-9ạ\-]{1,12}){1,3}(/[a-z/]{0,12})?", fullmatch=True
)


@settings(max_examples=300, deadline=None)
@given(_HOSTISH)
def test_scoring_host_like_text_never_raises_anything_but_invalid_value(text):
    try:
        verdict = scorer().score(text)
    except InvalidValue:
        return
    assert 0 <= verdict.score <= 100
    assert verdict.official == (
        verdict.score == 0 and "official-domain" in {r.code for r in verdict.reasons}
    )
