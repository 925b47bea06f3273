"""Safe Browsing URL canonicalisation and lookup expressions.

The tables are the test vectors of Google's v4 "URLs and hashing" page and of the reference Go
client (google/safebrowsing, urls_test.go). Where the Go client differs from the page, the page
wins and the row says so.
"""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import canonicalise_url, lookup_expressions, url_host

_EBAY = "/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/"

# (input, canonical form): the v4 urls-hashing page, in its order.
GOOGLE_PAGE_VECTORS: list[tuple[str | bytes, str]] = [
    ("http://host/%25%32%35", "http://host/%25"),
    ("http://host/%25%32%35%25%32%35", "http://host/%25%25"),
    ("http://host/%2525252525252525", "http://host/%25"),
    ("http://host/asdf%25%32%35asd", "http://host/asdf%25asd"),
    ("http://host/%%%25%32%35asd%%", "http://host/%25%25%25asd%25%25"),
    ("http://www.google.com/", "http://www.google.com/"),
    (
        "http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/",
        "http://168.188.99.26/.secure/www.ebay.com/",
    ),
    (
        "http://195.127.0.11/uploads/%20%20%20%20" + _EBAY,
        "http://195.127.0.11/uploads/%20%20%20%20" + _EBAY,
    ),
    (
        "http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B",
        "http://host%23.com/~a!b@c%23d$e%25f^00&11*22(33)44_55+",
    ),
    ("http://3279880203/blah", "http://195.127.0.11/blah"),
    ("http://www.google.com/blah/..", "http://www.google.com/"),
    ("www.google.com/", "http://www.google.com/"),
    ("www.google.com", "http://www.google.com/"),
    ("http://www.evil.com/blah#frag", "http://www.evil.com/blah"),
    ("http://www.GOOgle.com/", "http://www.google.com/"),
    ("http://www.google.com.../", "http://www.google.com/"),
    ("http://www.google.com/foo\tbar\rbaz\n2", "http://www.google.com/foobarbaz2"),
    ("http://www.google.com/q?", "http://www.google.com/q?"),
    ("http://www.google.com/q?r?", "http://www.google.com/q?r?"),
    ("http://www.google.com/q?r?s", "http://www.google.com/q?r?s"),
    ("http://evil.com/foo#bar#baz", "http://evil.com/foo"),
    ("http://evil.com/foo;", "http://evil.com/foo;"),
    ("http://evil.com/foo?bar;", "http://evil.com/foo?bar;"),
    (b"http://\x01\x80.com/", "http://%01%80.com/"),
    ("http://notrailingslash.com", "http://notrailingslash.com/"),
    ("http://www.gotaport.com:1234/", "http://www.gotaport.com/"),
    ("  http://www.google.com/  ", "http://www.google.com/"),
    ("http:// leadingspace.com/", "http://%20leadingspace.com/"),
    ("http://%20leadingspace.com/", "http://%20leadingspace.com/"),
    ("%20leadingspace.com/", "http://%20leadingspace.com/"),
    ("https://www.securesite.com/", "https://www.securesite.com/"),
    ("http://host.com/ab%23cd", "http://host.com/ab%23cd"),
    ("http://host.com//twoslashes?more//slashes", "http://host.com/twoslashes?more//slashes"),
]

# (input, canonical form): the Go client's extra vectors (canonicalURL, canonicalHost,
# canonicalPath, parseIPAddress), plus the IPv4 forms of the spec text.
GO_CLIENT_VECTORS: list[tuple[str | bytes, str]] = [
    ("http://0x12.0x43.0x44.0x01/", "http://18.67.68.1/"),
    ("http://0x12.0x43.0x44.0x01", "http://18.67.68.1/"),
    ("http://012.034.01.055/", "http://10.28.1.45/"),
    ("http://276.2.3/", "http://20.2.0.3/"),
    ("http://12.0x12.01234/", "http://12.18.2.156/"),
    ("http://167838211/", "http://10.1.2.3/"),
    ("http://4294967295/", "http://255.255.255.255/"),
    ("http://255.0.0.1/", "http://255.0.0.1/"),
    ("http://123.123.0.0.1/", "http://123.123.0.0.1/"),
    ("http://1.2.3.00x0/", "http://1.2.3.00x0/"),
    ("http://192.168.0.1:80/index.html", "http://192.168.0.1/index.html"),
    ("ftp://ftp.myfiles.com/", "ftp://ftp.myfiles.com/"),
    # Go writes lower-case hex ('%1b'); the page asks for upper case.
    ("http://some%1bhost.com/%1b", "http://some%1Bhost.com/%1B"),
    # Go drops the query ('http://www.google.com/q'); the page keeps it.
    ("http://www.google.com/q?r?s%3F", "http://www.google.com/q?r?s?"),
    ("http://evil.com/foo?bar;#frag", "http://evil.com/foo?bar;"),
    ("http://www.\u00fcmlat.com/", "http://www.xn--mlat-zra.com/"),
    (b"http://www.\xc3\xbcmlat.com/", "http://www.xn--mlat-zra.com/"),
    ("http://[2001:470:1:18::114]/", "http://[2001:470:1:18::114]/"),
    (
        "http://[FEDC:BA98:7654:3210:FEDC:BA98:7654:3210]:80/index.html",
        "http://[fedc:ba98:7654:3210:fedc:ba98:7654:3210]/index.html",
    ),
    # Go keeps '[::192.9.5.5]'; the address is written in RFC 5952 form, as browsers do.
    ("http://[::192.9.5.5]/ipng", "http://[::c009:505]/ipng"),
    ("http%3A%2F%2Fwackyurl.com:80/", "http://wackyurl.com/"),
    ("http://W!eird<>Ho$^.com/", "http://w!eird<>ho$^.com/"),
    ("http://i.have.way.too.many.dots.com/", "http://i.have.way.too.many.dots.com/"),
    ("http://www.google.com/foo.html", "http://www.google.com/foo.html"),
    ("http://google.com./foo.html", "http://google.com/foo.html"),
    ("http://google.com.:8080/foo.html", "http://google.com/foo.html"),
    ("http://google...com/foo.html", "http://google.com/foo.html"),
    ("http://..google.com/foo.html", "http://google.com/foo.html"),
    ("http://a.com", "http://a.com/"),
    ("http://a.com/foo/.././bar/./../foo.html", "http://a.com/foo.html"),
    ("http://a.com/a/b/", "http://a.com/a/b/"),
    ("http://a.com/a/b/c", "http://a.com/a/b/c"),
    ("http://a.com//a//b///c////", "http://a.com/a/b/c/"),
    (
        "http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/?query#fragment",
        "http://168.188.99.26/.secure/www.ebay.com/?query",
    ),
    ("www.google.com:8080/foo.html", "http://www.google.com/foo.html"),
    ("www.google.com:80/", "http://www.google.com/"),
    ("www.google.com:80", "http://www.google.com/"),
    ("http://www.google.com:8080/foo.html", "http://www.google.com/foo.html"),
]

# (input, canonical form): awkward inputs seen in real feeds.
REAL_WORLD_VECTORS: list[tuple[str | bytes, str]] = [
    ("HTTP://User:Pass@Evil.COM:8443/Login.PHP?ID=1", "http://evil.com/Login.PHP?ID=1"),
    ("http://vietcombánk.vn/dang-nhap", "http://xn--vietcombnk-z4a.vn/dang-nhap"),
    ("http://www.%C3%BCmlat.com/", "http://www.xn--mlat-zra.com/"),
    ("http://ＥＶＩＬ。com/", "http://evil.com/"),
    ("http://i\u2764.ws/", "http://xn--i-7iq.ws/"),
    ("//cdn.evil.com/x.js", "http://cdn.evil.com/x.js"),
    ("http://evil.com?login", "http://evil.com/?login"),
    ("http://evil.com/a b/c d", "http://evil.com/a%20b/c%20d"),
    ("http://evil.com/ví-dụ", "http://evil.com/v%C3%AD-d%E1%BB%A5"),
    ("http://evil.com/%2e%2e/%2E/x", "http://evil.com/x"),
    ("http://evil.com/a/b/..", "http://evil.com/a"),
    ("http://evil.com/a/./b/.", "http://evil.com/a/b"),
    ("http://evil.com/login.php?next=/a/../b//c#top", "http://evil.com/login.php?next=/a/../b//c"),
    ("http://a@b@evil.com/", "http://evil.com/"),
    ("http://[fe80::1%25eth0]/", "http://[fe80::1]/"),
    ("http://[::ffff:1.2.3.4]/", "http://[::ffff:1.2.3.4]/"),
    ("http://evil.com:/", "http://evil.com/"),
    ("\n\thttp://evil.com/\r\n", "http://evil.com/"),
    ("http://2001:db8::1/x", "http://[2001:db8::1]/x"),
    ("http://evil.com:abc/", "http://evil.com/"),
    ("http://a\uff20b.com/", "http://a%EF%BC%A0b.com/"),
    ("http://my_shop.i\u2764.ws/", "http://my_shop.xn--i-7iq.ws/"),
]


@pytest.mark.parametrize(("raw", "canonical"), GOOGLE_PAGE_VECTORS)
def test_it_canonicalises_the_google_page_vectors(raw: str | bytes, canonical: str) -> None:
    assert canonicalise_url(raw) == canonical


@pytest.mark.parametrize(("raw", "canonical"), GO_CLIENT_VECTORS)
def test_it_canonicalises_the_go_client_vectors(raw: str | bytes, canonical: str) -> None:
    assert canonicalise_url(raw) == canonical


@pytest.mark.parametrize(("raw", "canonical"), REAL_WORLD_VECTORS)
def test_it_canonicalises_awkward_real_world_urls(raw: str | bytes, canonical: str) -> None:
    assert canonicalise_url(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "has no host"),
        (":", "has an empty host"),
        ("/blah", "has no host"),
        ("#ref", "has no host"),
        ("/blah#ref", "has no host"),
        ("?query#ref", "has no host"),
        ("/blah?query#ref", "has no host"),
        ("/blah;param", "has no host"),
        ("http://#ref", "has no host"),
        ("http:///blah#ref", "has no host"),
        ("http://?query#ref", "has no host"),
        ("http:///blah?query#ref", "has no host"),
        ("http:///blah;param", "has no host"),
        ("http:///blah;param?query#ref", "has no host"),
        ("http://.../", "has an empty host"),
        ("mailto:bryner@google.com", "no '//' after the scheme 'mailto'"),
        ("http:www.google.com:8080/foo.html", "no '//' after the scheme 'http'"),
        ("www.google.com:xxyy/foo.html:80", "no '//' after the scheme 'www.google.com'"),
        ("javascript:alert(1)", "no '//' after the scheme 'javascript'"),
        ("http://[::1/", "opens '[' but never closes it"),
        ("http://[2001:db8::zz]/", "'zz'"),
    ],
)
def test_it_refuses_a_url_without_a_usable_host(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        canonicalise_url(raw)
    assert caught.value.field == "url"
    assert repr(raw) in str(caught.value)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("http://www.GOOgle.com:80/x", "www.google.com"),
        ("http://3279880203/", "195.127.0.11"),
        ("http://[2001:DB8::1]:8080/", "2001:db8::1"),
        ("vietcombánk.vn/login", "xn--vietcombnk-z4a.vn"),
    ],
)
def test_it_gives_the_canonical_host_of_a_url(raw: str, host: str) -> None:
    assert url_host(raw) == host


def test_it_builds_the_expressions_of_the_spec_example() -> None:
    assert lookup_expressions("http://a.b.c/1/2.html?param=1") == [
        "a.b.c/1/2.html?param=1",
        "a.b.c/1/2.html",
        "a.b.c/",
        "a.b.c/1/",
        "b.c/1/2.html?param=1",
        "b.c/1/2.html",
        "b.c/",
        "b.c/1/",
    ]


def test_it_takes_host_suffixes_from_the_last_five_components_only() -> None:
    hosts = {
        expression.split("/")[0] for expression in lookup_expressions("http://a.b.c.d.e.f.g/1.html")
    }
    assert hosts == {"a.b.c.d.e.f.g", "c.d.e.f.g", "d.e.f.g", "e.f.g", "f.g"}
    assert len(lookup_expressions("http://a.b.c.d.e.f.g/1.html")) == 10


def test_it_checks_an_ip_host_exactly() -> None:
    assert lookup_expressions("http://1.2.3.4/1/") == ["1.2.3.4/1/", "1.2.3.4/"]
    assert lookup_expressions("http://[2001:470:1:18::114]/a/b") == [
        "[2001:470:1:18::114]/a/b",
        "[2001:470:1:18::114]/",
        "[2001:470:1:18::114]/a/",
    ]


@pytest.mark.parametrize(
    ("raw", "paths"),
    [
        (
            "http://a.com/a/b/c/d/e.html?123",
            ["/a/b/c/d/e.html?123", "/a/b/c/d/e.html", "/", "/a/", "/a/b/", "/a/b/c/"],
        ),
        ("http://a.com/a/b/c.html", ["/a/b/c.html", "/", "/a/", "/a/b/"]),
        ("http://a.com/1/2/3/4/5/", ["/1/2/3/4/5/", "/", "/1/", "/1/2/", "/1/2/3/"]),
        ("http://a.com/1/2.html?param=1/2", ["/1/2.html?param=1/2", "/1/2.html", "/", "/1/"]),
        ("http://a.com/", ["/"]),
        ("http://a.com/?", ["/"]),
        ("http://a.com/?x=1", ["/?x=1", "/"]),
    ],
)
def test_it_builds_path_prefixes_as_the_go_client_does(raw: str, paths: list[str]) -> None:
    assert lookup_expressions(raw) == ["a.com" + path for path in paths]


@pytest.mark.parametrize(
    ("raw", "hosts"),
    [
        ("http://www.google.com/", ["www.google.com", "google.com"]),
        ("http://a.b.c.com/", ["a.b.c.com", "b.c.com", "c.com"]),
        ("http://b/", ["b"]),
        (
            "https://a.b.c.d.e.f.g.h.i/",
            ["a.b.c.d.e.f.g.h.i", "e.f.g.h.i", "f.g.h.i", "g.h.i", "h.i"],
        ),
    ],
)
def test_it_builds_host_suffixes(raw: str, hosts: list[str]) -> None:
    assert lookup_expressions(raw) == [host + "/" for host in hosts]


def test_it_never_builds_more_than_thirty_expressions() -> None:
    expressions = lookup_expressions("http://a.b.c.d.e.f.g.h/1/2/3/4/5/6.html?q=1")
    assert len(expressions) == 30
    assert len(set(expressions)) == 30


_URL_CHARS = st.characters(codec="utf-8", exclude_categories=["Cs"])
_URLS = st.one_of(
    st.text(_URL_CHARS, max_size=60),
    st.builds(
        lambda scheme, host, path: f"{scheme}{host}{path}",
        st.sampled_from(["", "http://", "HTTPS://", "//", "ftp://u:p@"]),
        st.from_regex(r"[a-zA-Z0-9%.\-\[\]:@ü]{1,30}", fullmatch=True),
        st.from_regex(r"[/a-z0-9%.?#;&=+ \t]{0,40}", fullmatch=True),
    ),
)


@given(_URLS)
@example("::")
@example("0::")
@example(".[")
@example("%0\u00a10")
@example("\U000191d3.;\u00b8")
@example("http://a\uff20b\uff0fc/")
@example("http://2001:db8::1/x")
def test_canonicalisation_is_idempotent(raw: str) -> None:
    try:
        canonical = canonicalise_url(raw)
    except InvalidIndicator:
        return
    assert canonicalise_url(canonical) == canonical


@given(st.binary(max_size=60))
def test_it_canonicalises_any_bytes_to_printable_ascii_or_refuses(raw: bytes) -> None:
    try:
        canonical = canonicalise_url(raw)
    except InvalidIndicator:
        return
    assert canonical.isascii()
    assert canonical.isprintable()
    assert " " not in canonical
    assert "#" not in canonical
