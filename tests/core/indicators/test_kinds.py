"""Indicator kinds, the normaliser table and kind guessing."""

import pytest

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import (
    NORMALISERS,
    Indicator,
    IndicatorKind,
    guess_kind,
    normalise,
)


def test_it_has_a_normaliser_for_every_kind() -> None:
    assert set(NORMALISERS) == set(IndicatorKind)


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (IndicatorKind.IPV4, " 192.0.2.1 ", "192.0.2.1"),
        (IndicatorKind.IPV6, "2001:DB8::1", "2001:db8::1"),
        (IndicatorKind.CIDR, "10.0.0.0/8", "10.0.0.0/8"),
        (IndicatorKind.DOMAIN, "Vietcombánk.VN.", "xn--vietcombnk-z4a.vn"),
        (IndicatorKind.URL, "Evil.com:8080/login#x", "http://evil.com/login"),
        (IndicatorKind.MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
        (IndicatorKind.SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", None),
        (IndicatorKind.EMAIL, "An@Example.COM", "An@example.com"),
        (IndicatorKind.PHONE, "0162 345 6789", "+84323456789"),
        (IndicatorKind.ASN, "as7552", "AS7552"),
        ("sha256", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", None),
    ],
)
def test_it_normalises_through_the_table(
    kind: IndicatorKind | str, raw: str, value: str | None
) -> None:
    indicator = normalise(kind, raw)
    assert indicator == Indicator(IndicatorKind(kind), value or raw.lower())
    assert isinstance(indicator.kind, IndicatorKind)


def test_it_shows_an_indicator_as_kind_and_value() -> None:
    assert str(normalise("domain", "Example.com")) == "domain:example.com"


def test_it_keeps_an_indicator_immutable_and_hashable() -> None:
    indicator = normalise(IndicatorKind.IPV4, "192.0.2.1")
    with pytest.raises(AttributeError):
        indicator.value = "192.0.2.2"  # type: ignore[misc]
    assert {indicator, normalise("ipv4", "192.0.2.1 ")} == {indicator}


def test_it_refuses_an_unknown_kind_and_lists_the_known_ones() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise("hostname", "example.com")
    assert caught.value.field == "kind"
    assert "'hostname'" in str(caught.value)
    assert "ipv4, ipv6, cidr, domain" in caught.value.reason


def test_it_passes_the_normaliser_reason_through() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise(IndicatorKind.IPV4, "010.1.1.1")
    assert caught.value.field == "ipv4"
    assert "'010.1.1.1'" in str(caught.value)
    assert "leading zero" in caught.value.reason


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("192.0.2.1", IndicatorKind.IPV4),
        (" 010.1.1.1 ", IndicatorKind.IPV4),
        ("2001:db8::1", IndicatorKind.IPV6),
        ("::ffff:1.2.3.4", IndicatorKind.IPV6),
        ("[2001:db8::1]", IndicatorKind.IPV6),
        ("fe80::1%eth0", IndicatorKind.IPV6),
        ("10.0.0.0/8", IndicatorKind.CIDR),
        ("2001:db8::/32", IndicatorKind.CIDR),
        ("example.com", IndicatorKind.DOMAIN),
        ("vietcombank.com.vn.", IndicatorKind.DOMAIN),
        ("đienluc.vn", IndicatorKind.DOMAIN),
        ("_dmarc.example.com", IndicatorKind.DOMAIN),
        ("http://evil.com/login", IndicatorKind.URL),
        ("HTTPS://evil.com", IndicatorKind.URL),
        ("hxxp://evil.com/", IndicatorKind.URL),
        ("evil.com/login.php?id=1", IndicatorKind.URL),
        ("evil.com:8080/x", IndicatorKind.URL),
        ("user@example.com", IndicatorKind.EMAIL),
        ("d41d8cd98f00b204e9800998ecf8427e", IndicatorKind.MD5),
        ("DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", IndicatorKind.SHA1),
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", IndicatorKind.SHA256),
        ("12345678901234567890123456789012", IndicatorKind.MD5),
        ("AS7552", IndicatorKind.ASN),
        ("asn 18403", IndicatorKind.ASN),
        ("AS1.10", IndicatorKind.ASN),
        ("0912345678", IndicatorKind.PHONE),
        ("+84 912 345 678", IndicatorKind.PHONE),
        ("(091) 234-5678", IndicatorKind.PHONE),
        ("0912.345.678", IndicatorKind.PHONE),
    ],
)
def test_it_guesses_the_kind_from_the_shape(raw: str, kind: IndicatorKind) -> None:
    assert guess_kind(raw) == kind


@pytest.mark.parametrize("raw", ["", "   ", "localhost", "hello world", "/path/only", "@", "12"])
def test_it_refuses_to_guess_a_shapeless_value(raw: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        guess_kind(raw)
    assert caught.value.field == "indicator"
    assert repr(raw) in str(caught.value)
    assert "does not look like any kind of indicator" in caught.value.reason


@pytest.mark.parametrize(
    "raw",
    [
        "192.0.2.1",
        "2001:db8::1",
        "10.0.0.0/8",
        "example.com",
        "http://evil.com/",
        "a@example.com",
        "0912345678",
        "AS7552",
        "d41d8cd98f00b204e9800998ecf8427e",
    ],
)
def test_a_guessed_kind_normalises_a_valid_value(raw: str) -> None:
    assert normalise(guess_kind(raw), raw).kind == guess_kind(raw)
