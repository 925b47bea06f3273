"""Stream readers: certstream lines, newly-registered-domain lists, URL lists, packed files.

The fixtures are in the real formats (certstream lite messages as certstream-server-go sends
them, a whoisds-style daily list, a CSV with a ``domain`` column, URLs from a report form)
with the awkward lines real streams carry: heartbeats, truncated JSON, wildcards, IDN in both
forms, names that are not host names, a Latin-1 line in a UTF-8 file.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import normalise_domain
from cleannet.engines.feeds import FeedFormatError
from cleannet.engines.lookalike.certstream import names_from_certstream_lines
from cleannet.engines.lookalike.streams import (
    RecentNames,
    StreamCounters,
    StreamError,
    StreamItem,
    StreamName,
    name_or_error,
    names_from_list,
    names_from_urls,
    open_stream,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CERTSTREAM = FIXTURES / "certstream-lite.jsonl"


def names(items: list[StreamItem]) -> list[tuple[int | None, str]]:
    return [(item.line, item.name) for item in items if isinstance(item, StreamName)]


def errors(items: list[StreamItem]) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for item in items:
        if isinstance(item, StreamError):
            found.setdefault(item.line, []).append(item.reason)
    return found


def read_certstream(path: Path = CERTSTREAM) -> tuple[list[StreamItem], StreamCounters]:
    counters = StreamCounters()
    return list(names_from_certstream_lines(open_stream(path), counters=counters)), counters


# --- certstream ---------------------------------------------------------------------------


def test_it_reads_the_names_of_certstream_messages_in_order() -> None:
    items, _ = read_certstream()
    assert names(items) == [
        (1, "vietcombank-xacthuc.com"),
        (3, "shop.example.vn"),
        (3, "www.shop.example.vn"),
        (4, "xn--vietcombnk-z4a.vn"),
        (4, "mail.example.org"),
        (7, "ok.example.net"),
        (10, "dangnhap-vietcombank.vn.com"),
        (10, "mbbank-hotro.id.vn"),
        (11, "evn-cskh.online"),
        (11, "www.evn-cskh.online"),
    ]


def test_it_reports_each_bad_line_and_name_and_goes_on() -> None:
    items, _ = read_certstream()
    found = errors(items)
    assert sorted(found) == [5, 6, 7, 8]
    assert found[5] == ["is not valid JSON (Expecting ',' delimiter at column 89)"]
    assert found[6][0].startswith("is not valid JSON")
    assert "'Bad Name With Spaces'" in found[7][0]
    assert "70 characters, over 63" in found[7][1]
    assert found[8] == ["message certificate_update has no 'data.leaf_cert' object"]


def test_it_counts_heartbeats_duplicates_and_errors() -> None:
    _, counters = read_certstream()
    # Duplicates: '*.x' next to 'x' (twice), the U-label next to its A-label, CN repeated in SAN.
    assert counters == StreamCounters(read=10, names=10, heartbeats=1, errors=5, duplicates=4)


def test_it_keeps_the_certificate_facts_with_each_name() -> None:
    items, _ = read_certstream()
    first = items[0]
    assert isinstance(first, StreamName)
    assert first.source == "certstream"
    assert first.seen == 1767225601.25
    assert first.meta is not None
    assert first.meta["update_type"] == "PrecertLogEntry"
    assert first.meta["cert_index"] == 712786548
    assert first.meta["log"] == "Google 'Argon2026h1' log"
    assert first.meta["issuer"] == "Let's Encrypt"


def test_it_reads_a_json_array_of_messages_over_many_lines(tmp_path: Path) -> None:
    messages = [json.loads(line) for line in CERTSTREAM.read_text().splitlines()[:4]]
    document = tmp_path / "example.json"
    document.write_text(json.dumps(messages, indent=2))
    items = list(names_from_certstream_lines(open_stream(document)))
    assert [name for _, name in names(items)][:3] == [
        "vietcombank-xacthuc.com",
        "shop.example.vn",
        "www.shop.example.vn",
    ]
    assert {item.line for item in items} == {1}


def test_it_reads_the_latest_json_batch_of_certstream_server_go() -> None:
    batch = {"messages": [{"message_type": "dns_entries", "data": ["a.example.com", "*.b.vn"]}]}
    items = list(names_from_certstream_lines([json.dumps(batch)]))
    assert names(items) == [(1, "a.example.com"), (1, "b.vn")]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"message_type": "x509"}', "message has message_type 'x509'"),
        ("[1, 2]", "message is a JSON int, not a certstream message object"),
        ('"text"', "message is a JSON str, not a certstream message object"),
        (b'{"message_type": "\xff"}', "is not valid UTF-8 at byte 18"),
        (
            '{"message_type": "certificate_update", "data": {"leaf_cert": {"all_domains": [7]}}}',
            "name 7 is not a string",
        ),
    ],
)
def test_it_refuses_messages_that_are_not_certstream(line: str | bytes, reason: str) -> None:
    items = list(names_from_certstream_lines([line]))
    assert items
    assert all(isinstance(item, StreamError) and item.line == 1 for item in items)
    assert isinstance(items[0], StreamError)
    assert items[0].reason.startswith(reason)


def test_it_skips_heartbeats_without_yielding_anything() -> None:
    counters = StreamCounters()
    heartbeat = b'{"message_type": "heartbeat", "timestamp": 1767225602.0}'
    assert list(names_from_certstream_lines([heartbeat] * 3, counters=counters)) == []
    assert counters.heartbeats == 3


# --- newly registered domains ----------------------------------------------------------------


def test_it_reads_a_domain_list_with_comments_junk_and_a_latin1_line() -> None:
    counters = StreamCounters()
    items = list(names_from_list(open_stream(FIXTURES / "nrd-2026-03-04.txt"), counters=counters))
    assert names(items) == [
        (3, "vietcombank-hotro.com"),
        (4, "vietinbank-khuyenmai.net"),
        (5, "mbbank-xacminh.id.vn"),
        (10, "xn--ienluc-cskh-zob.vn"),
        (13, "tpbank-ebank.xyz"),
    ]
    found = errors(items)
    assert sorted(found) == [7, 8, 9, 11, 12]
    assert "reads as an IP address" in found[8][0]
    assert "70 characters, over 63" in found[9][0]
    assert "single label" in found[11][0]
    assert found[12] == ["is not valid UTF-8 at byte 3 (mixed encodings?)"]
    assert counters.duplicates == 1
    assert all(item.source == "nrd" for item in items if isinstance(item, StreamName))


def test_it_reads_the_domain_column_of_a_csv_list() -> None:
    items = list(names_from_list(open_stream(FIXTURES / "nrd-whoisds.csv")))
    assert names(items) == [(2, "agribank-vay.online"), (3, "bidv-tichdiem.shop")]
    assert errors(items) == {4: ["has an empty domain cell"]}


def test_it_takes_the_first_cell_of_a_csv_list_without_header() -> None:
    items = list(names_from_list(["example.com,2026-03-04", "example.org"]))
    assert names(items) == [(1, "example.com"), (2, "example.org")]


def test_it_finds_a_domain_column_that_is_not_the_first() -> None:
    items = list(names_from_list(["create_date,Domain Name", "2026-03-04,example.vn"]))
    assert names(items) == [(2, "example.vn")]


# --- URLs ------------------------------------------------------------------------------------


def test_it_reads_hosts_and_canonical_urls_from_report_lines() -> None:
    items = list(names_from_urls(open_stream(FIXTURES / "urls-report.txt"), source="report"))
    found = [
        (item.line, item.name, (item.meta or {}).get("url"))
        for item in items
        if isinstance(item, StreamName)
    ]
    assert found == [
        (2, "vietcombank-xacthuc.com", "https://vietcombank-xacthuc.com/dang-nhap?ref=sms"),
        (3, "vcb-digibank.info", "http://vcb-digibank.info/login.php"),
        (4, "www.example.com", "http://www.example.com/b/"),
        (5, "192.168.0.1", "http://192.168.0.1/vietcombank/"),
        (8, "evil.example.com", "http://evil.example.com/x"),
        (9, "xn--vietcombnk-z4a.vn", "http://xn--vietcombnk-z4a.vn/"),
    ]
    assert errors(items) == {
        6: ["URL: has no host"],
        7: ["URL: has no '//' after the scheme 'mailto'"],
    }


def test_it_refuses_a_url_whose_host_is_not_a_host_name() -> None:
    items = list(names_from_urls(["http://" + "a" * 64 + ".example.com/"]))
    assert len(items) == 1
    assert isinstance(items[0], StreamError)
    assert "64 characters, over 63" in items[0].reason


# --- packed files ----------------------------------------------------------------------------


def test_it_reads_the_same_names_from_gzip_and_zip(tmp_path: Path) -> None:
    data = (FIXTURES / "nrd-2026-03-04.txt").read_bytes()
    packed = tmp_path / "nrd.txt.gz"
    packed.write_bytes(gzip.compress(data))
    archive = tmp_path / "nrd.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
        writer.writestr("domain-names.txt", data)
    plain = names(list(names_from_list(open_stream(FIXTURES / "nrd-2026-03-04.txt"))))
    assert names(list(names_from_list(open_stream(packed)))) == plain
    assert names(list(names_from_list(open_stream(archive)))) == plain


def test_it_stops_a_file_that_unpacks_past_the_size_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "list.gz"
    bomb.write_bytes(gzip.compress(b"example.com\n" * 10_000))
    lines = open_stream(bomb, max_bytes=1000)
    with pytest.raises(FeedFormatError, match="larger than 1000 bytes"):
        list(lines)


def test_it_refuses_an_archive_inside_an_archive(tmp_path: Path) -> None:
    archive = tmp_path / "outer.zip"
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr("inner.zip", b"PK")
    with pytest.raises(FeedFormatError, match="archive inside an archive"):
        list(open_stream(archive))


def test_it_drops_a_utf8_bom_and_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfexample.com\r\nexample.org\n")
    assert list(open_stream(path)) == [b"example.com", b"example.org"]


def test_it_names_a_missing_file() -> None:
    with pytest.raises(FeedFormatError, match="is not a file"):
        list(open_stream(FIXTURES / "missing.txt"))


# --- the fast path for names already normal ------------------------------------------------

NAME_PIECES = st.sampled_from(["a", "z", "0", "9", "-", ".", "xn--", "_", "A", "é", "1.2", "*."])


@settings(max_examples=400, deadline=None)
@given(st.lists(NAME_PIECES, min_size=1, max_size=12).map("".join))
def test_it_normalises_a_name_exactly_as_core_does(raw: str) -> None:
    try:
        expected: str | None = normalise_domain(raw.removeprefix("*."))
    except InvalidValue:
        expected = None
    found = name_or_error(raw, 1)
    assert (None if isinstance(found, StreamError) else found) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "a" * 63 + ".com",
        "a" * 64 + ".com",
        ("a" * 60 + ".") * 4 + "com",
        "x.123",
        "ab--c.vn",
        "xn--a.vn",
        "xn--ls8h.la",
        "xn--vietcombnk-z4a.vn",
    ],
)
def test_it_holds_long_numeric_and_a_label_names_to_the_core_rules(raw: str) -> None:
    try:
        expected: str | None = normalise_domain(raw)
    except InvalidValue:
        expected = None
    found = name_or_error(raw, 1)
    assert (None if isinstance(found, StreamError) else found) == expected


def test_it_remembers_recent_names_and_forgets_them_when_full() -> None:
    recent = RecentNames(size=2)
    assert [recent.seen_before(name) for name in ("a.vn", "a.vn", "b.vn", "a.vn")] == [
        False,
        True,
        False,
        True,
    ]
    assert recent.seen_before("c.vn") is False  # full: everything before is forgotten
    assert recent.seen_before("a.vn") is False
