"""Hash-prefix look-ups: Safe Browsing's expressions, hashes, prefix lists and full hashes.

Vectors from the v4 urls-hashing page (as quoted in shared/formats/phishing.md §3.4); the
hashes are computed here with hashlib so that a wrong expression, not a wrong hash, fails.
"""

from __future__ import annotations

import hashlib

import pytest

from cleannet.core.errors import InvalidIndicator, InvalidValue
from cleannet.engines.lookalike.hashprefix import (
    HashPrefixIndex,
    expression_hashes,
    url_expression,
)


def sha(expression: str) -> bytes:
    return hashlib.sha256(expression.encode()).digest()


SPEC_EXAMPLE = [
    "a.b.c/1/2.html?param=1",
    "a.b.c/1/2.html",
    "a.b.c/",
    "a.b.c/1/",
    "b.c/1/2.html?param=1",
    "b.c/1/2.html",
    "b.c/",
    "b.c/1/",
]


def test_it_hashes_the_expressions_of_the_spec_example() -> None:
    assert expression_hashes("http://a.b.c/1/2.html?param=1") == [sha(e) for e in SPEC_EXAMPLE]


def test_it_hashes_five_hosts_at_most_skipping_the_sixth_suffix() -> None:
    hosts = ["a.b.c.d.e.f.g", "c.d.e.f.g", "d.e.f.g", "e.f.g", "f.g"]
    expected = [sha(host + path) for host in hosts for path in ("/1.html", "/")]
    assert expression_hashes("http://a.b.c.d.e.f.g/1.html") == expected
    assert sha("b.c.d.e.f.g/1.html") not in expected


def test_it_hashes_an_ip_literal_host_exactly() -> None:
    assert expression_hashes("http://1.2.3.4/1/") == [sha("1.2.3.4/1/"), sha("1.2.3.4/")]


@pytest.mark.parametrize(
    ("url", "expression"),
    [
        ("evil.example", "evil.example/"),
        ("http://www.GOOgle.com/", "www.google.com/"),
        ("http://www.google.com.../", "www.google.com/"),
        ("http://www.gotaport.com:1234/", "www.gotaport.com/"),
        ("http://3279880203/blah", "195.127.0.11/blah"),
        ("http://host/%25%32%35", "host/%25"),
        ("http://host/%%%25%32%35asd%%", "host/%25%25%25asd%25%25"),
        ("http://www.google.com/q?r?", "www.google.com/q?r?"),
        ("https://vietcombánk.vn/dang-nhap#x", "xn--vietcombnk-z4a.vn/dang-nhap"),
    ],
)
def test_it_lists_a_url_as_its_canonical_host_and_path(url: str, expression: str) -> None:
    assert url_expression(url) == expression


def test_it_lists_sorted_unique_prefixes_and_their_checksum() -> None:
    index = HashPrefixIndex.from_expressions(SPEC_EXAMPLE + SPEC_EXAMPLE[:2])
    expected = sorted(sha(e)[:4] for e in SPEC_EXAMPLE)
    assert len(index) == len(SPEC_EXAMPLE)
    assert index.prefixes() == expected
    assert index.checksum() == hashlib.sha256(b"".join(expected)).digest()
    assert index.prefixes(32) == sorted(sha(e) for e in SPEC_EXAMPLE)


def test_it_answers_the_full_hashes_under_the_prefixes_asked() -> None:
    index = HashPrefixIndex.from_urls(["evil.example", "http://phish.example/login"])
    asked = [sha("evil.example/")[:4], sha("nothing.example/")[:4]]
    assert index.full_hashes(asked) == [sha("evil.example/")]
    assert index.full_hashes([sha("phish.example/login")[:10]]) == [sha("phish.example/login")]


def test_it_finds_every_full_hash_sharing_a_short_prefix() -> None:
    hashes = [bytes([1, 2, 3, 4]) + bytes([n]) * 28 for n in range(3)] + [bytes(32)]
    index = HashPrefixIndex(hashes)
    assert index.full_hashes([bytes([1, 2, 3, 4])]) == sorted(hashes[:3])


def test_it_matches_a_url_on_a_listed_host_as_a_client_would() -> None:
    index = HashPrefixIndex.from_urls(["evil.example", "http://phish.example/login"])
    assert index.matches("https://www.evil.example/any/page?x=1") == ["evil.example/"]
    assert index.matches("http://phish.example/login?next=/") == ["phish.example/login"]
    assert index.matches("http://phish.example/other") == []
    assert index.matches("http://good.example/") == []


def test_it_round_trips_a_confirmed_fake_through_prefixes_and_full_hashes() -> None:
    server = HashPrefixIndex.from_urls(["vietcombank-xacthuc.com"])
    local = set(server.prefixes())
    client_hashes = expression_hashes("http://secure.vietcombank-xacthuc.com/dang-nhap")
    hits = [digest for digest in client_hashes if digest[:4] in local]
    assert [digest in server.full_hashes([hit[:4] for hit in hits]) for digest in hits] == [True]


@pytest.mark.parametrize("length", [3, 33])
def test_it_refuses_a_prefix_length_outside_4_to_32(length: int) -> None:
    index = HashPrefixIndex.from_expressions(["a.example/"])
    with pytest.raises(InvalidValue, match="4 to 32 bytes"):
        index.prefixes(length)
    with pytest.raises(InvalidValue, match="4 to 32 bytes"):
        index.full_hashes([bytes(length)])


@pytest.mark.parametrize("expression", ["evil.example", "http://evil.example/"])
def test_it_refuses_an_expression_that_is_not_host_and_path(expression: str) -> None:
    with pytest.raises(InvalidValue, match="a host and a path"):
        HashPrefixIndex.from_expressions([expression])


def test_it_refuses_a_listed_url_without_a_host() -> None:
    with pytest.raises(InvalidIndicator, match="has no host"):
        HashPrefixIndex.from_urls(["http:///path"])


def test_it_refuses_a_full_hash_of_the_wrong_size() -> None:
    with pytest.raises(InvalidValue, match="not 32"):
        HashPrefixIndex([b"short"])
