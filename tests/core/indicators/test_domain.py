"""Domain normalisation (UTS #46 / IDNA) and the Public Suffix List."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import (
    domain_to_unicode,
    is_subdomain_of,
    normalise_domain,
    public_suffix,
    registrable_domain,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("example.com", "example.com"),
        ("  Example.COM.  ", "example.com"),
        ("VietcomBank.com.vn", "vietcombank.com.vn"),
        ("vietcombánk.vn", "xn--vietcombnk-z4a.vn"),
        ("đienluc.vn", "xn--ienluc-92a.vn"),
        ("XN--IENLUC-92A.VN", "xn--ienluc-92a.vn"),
        ("vietcom\xadbank.vn", "vietcombank.vn"),
        ("ｖｉｅｔｃｏｍｂａｎｋ。ｖｎ", "vietcombank.vn"),
        ("vietcombаnk.vn", "xn--vietcombnk-6qi.vn"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("r3---sn-4g5e6nzz.googlevideo.com", "r3---sn-4g5e6nzz.googlevideo.com"),
        ("_dmarc.example.com", "_dmarc.example.com"),
        ("_sip._tcp.example.com", "_sip._tcp.example.com"),
        ("my_shop.example.com", "my_shop.example.com"),
        ("a.b.c.d.e.f.g.h.example.com", "a.b.c.d.e.f.g.h.example.com"),
        ("1password.com", "1password.com"),
        ("x.y", "x.y"),
    ],
)
def test_it_normalises_a_domain_to_lower_case_a_labels(raw: str, expected: str) -> None:
    assert normalise_domain(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("a..b.com", "empty label"),
        (".example.com", "empty label"),
        ("example.com..", "empty label"),
        ("-bank.vn", "'-bank' may hold only"),
        ("bank-.vn", "'bank-' may hold only"),
        ("exa mple.com", "'exa mple' may hold only"),
        ("example.com:8080", "'com:8080' may hold only"),
        ("*.example.com", "'*' may hold only"),
        ("xn--abc.com", "'xn--abc' is not valid IDNA"),
        ("a\u200db.com", "is not valid IDNA"),
        ("ab❤.vn", "is not valid IDNA"),
        ("x" * 64 + ".com", "has 64 characters, over 63"),
        (".".join(["a" * 63] * 4) + ".com", "has 259 characters, over 253"),
        ("1.2.3.4", "reads as an IP address"),
        ("0x12.0x43.0x44.0x01", "reads as an IP address"),
        ("3279880203", "reads as an IP address"),
        ("example.123", "reads as an IP address"),
        ("2001:db8::1", "is an IPv6 address"),
        ("[::1]", "is an IPv6 address"),
        ("localhost", "is a single label"),
        ("my_bank.vn", "underscore is allowed only below the registrable domain 'my_bank.vn'"),
        ("_tcp.com", "underscore is allowed only below"),
    ],
)
def test_it_refuses_a_bad_domain_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_domain(raw)
    assert caught.value.field == "domain"
    assert repr(raw)[:40] in str(caught.value)
    assert reason in caught.value.reason


def test_it_accepts_a_single_label_when_asked() -> None:
    assert normalise_domain("LocalHost.", allow_single_label=True) == "localhost"


def test_it_gives_the_unicode_form_for_display() -> None:
    assert domain_to_unicode("xn--ienluc-92a.vn") == "đienluc.vn"
    assert domain_to_unicode("WWW.Vietcombánk.VN") == "www.vietcombánk.vn"


@pytest.mark.parametrize(
    ("name", "registrable", "suffix"),
    [
        ("vietcombank.com.vn", "vietcombank.com.vn", "com.vn"),
        ("ibanking.vietcombank.com.vn", "vietcombank.com.vn", "com.vn"),
        ("vietcombank.id.vn", "vietcombank.id.vn", "id.vn"),
        ("vietcombank.io.vn", "vietcombank.io.vn", "io.vn"),
        ("evn.hanoi.vn", "evn.hanoi.vn", "hanoi.vn"),
        ("vietcombank.vn.com", "vn.com", "com"),
        ("vietcombank.com.vn.com", "vn.com", "com"),
        ("login.vietcombank.us.com", "vietcombank.us.com", "us.com"),
        ("state-bank.vercel.app", "state-bank.vercel.app", "vercel.app"),
        ("a.b.state-bank.vercel.app", "state-bank.vercel.app", "vercel.app"),
        ("www.bbc.co.uk", "bbc.co.uk", "co.uk"),
        ("đienluc.vn", "xn--ienluc-92a.vn", "vn"),
        ("host.unknown-tld-xyz", "host.unknown-tld-xyz", "unknown-tld-xyz"),
    ],
)
def test_it_finds_the_registrable_domain_and_public_suffix(
    name: str, registrable: str, suffix: str
) -> None:
    assert registrable_domain(name) == registrable
    assert public_suffix(name) == suffix
    assert public_suffix(normalise_domain(name), normalised=True) == suffix


def test_it_has_no_registrable_domain_for_a_public_suffix() -> None:
    assert registrable_domain("com.vn") is None
    assert registrable_domain("vercel.app") is None
    assert registrable_domain("vn") is None
    assert public_suffix("vn") == "vn"


def test_it_tells_a_subdomain_from_a_lookalike_suffix() -> None:
    assert is_subdomain_of("ibanking.Vietcombank.com.vn.", "vietcombank.com.vn")
    assert is_subdomain_of("vietcombank.com.vn", "vietcombank.com.vn")
    assert is_subdomain_of("a.vn", "vn")
    assert not is_subdomain_of("fakevietcombank.com.vn", "vietcombank.com.vn")
    assert not is_subdomain_of("vietcombank.com.vn.evil.com", "vietcombank.com.vn")


def test_it_refuses_a_bad_name_in_a_subdomain_check() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        is_subdomain_of("a..b", "b")
    assert "'a..b'" in str(caught.value)
    assert "empty label" in str(caught.value)


_LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789đáàảãạăâêôơưéèíóúýđ")
_LABELS = st.text(_LETTERS, min_size=1, max_size=20)


@given(st.lists(_LABELS, min_size=1, max_size=4), st.sampled_from(["vn", "com.vn", "com"]))
def test_it_round_trips_a_name_through_the_unicode_form(labels: list[str], tld: str) -> None:
    name = ".".join([*labels, tld])
    ascii_name = normalise_domain(name)
    assert normalise_domain(ascii_name) == ascii_name
    assert normalise_domain(domain_to_unicode(ascii_name)) == ascii_name
    assert normalise_domain(ascii_name.upper() + ".") == ascii_name
