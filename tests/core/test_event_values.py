"""Field values: what each type accepts from real feeds, stores, and refuses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cleannet.core.errors import InvalidEvent
from cleannet.core.event import validate_field


def _field_refusal(name: str, value: object) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as caught:
        validate_field(name, value)
    return caught.value


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2021-03-04 00:00:00", "2021-03-04T00:00:00+00:00"),
        ("2026-07-04 21:46:30", "2026-07-04T21:46:30+00:00"),
        ("2026-07-04T21:46:30Z", "2026-07-04T21:46:30+00:00"),
        ("2026-07-05T04:46:30+07:00", "2026-07-04T21:46:30+00:00"),
        ("2026-07-04T21:46:30.250Z", "2026-07-04T21:46:30.250000+00:00"),
        ("2021-08-17 15:00:42 UTC", "2021-08-17T15:00:42+00:00"),
        ("2021-03-04", "2021-03-04T00:00:00+00:00"),
        (1614816000, "2021-03-04T00:00:00+00:00"),
        (1614816000.5, "2021-03-04T00:00:00.500000+00:00"),
        (datetime(2021, 3, 4, 7, 0), "2021-03-04T07:00:00+00:00"),
        (
            datetime(2021, 3, 4, 7, 0, tzinfo=timezone(timedelta(hours=7))),
            "2021-03-04T00:00:00+00:00",
        ),
    ],
)
def test_it_normalises_the_times_feeds_send_to_utc(sent: object, stored: str) -> None:
    moment = validate_field("time.source", sent)

    assert isinstance(moment, datetime)
    assert moment.isoformat() == stored
    assert moment.utcoffset() == timedelta(0)


def test_it_refuses_unix_milliseconds_as_seconds() -> None:
    error = _field_refusal("time.source", 1614816000000)

    assert error.field == "time.source"
    assert "milliseconds" in error.reason


def test_it_refuses_unix_seconds_given_as_text() -> None:
    error = _field_refusal("time.source", "1614816000")

    assert error.field == "time.source"
    assert "not an ISO 8601 time" in error.reason


def test_it_refuses_a_day_first_date() -> None:
    error = _field_refusal("time.source", "04/03/2021 10:00")

    assert error.field == "time.source"
    assert "not an ISO 8601 time" in error.reason


@pytest.mark.parametrize(
    ("name", "sent", "stored"),
    [
        ("source.ip", " 203.0.113.7 ", "203.0.113.7"),
        ("source.ip", "2001:DB8:0:0::1", "2001:db8::1"),
        ("source.ip", "::ffff:203.0.113.7", "203.0.113.7"),
        ("source.network", "203.0.113.7/24", "203.0.113.0/24"),
        ("source.network", "2001:db8::/32", "2001:db8::/32"),
        ("source.port", 443.0, 443),
        ("source.asn", "AS45899", 45899),
        ("source.asn", "as 45899", 45899),
        ("source.registry", "ripe-ncc", "RIPE"),
        ("source.fqdn", "Update.Example.VN.", "update.example.vn"),
        ("source.fqdn", "bücher.example", "xn--bcher-kva.example"),
        ("source.fqdn", "_dmarc.example.vn", "_dmarc.example.vn"),
        ("source.url", "hxxp://update.example.vn/x.exe", "http://update.example.vn/x.exe"),
        ("source.url", "HXXPS://update.example.vn/", "https://update.example.vn/"),
        ("source.tor_node", "Yes", True),
        ("source.tor_node", 0, False),
        ("source.geolocation.latitude", "21.0245", 21.0245),
        ("feed.accuracy", "90", 90.0),
        ("tlp", "tlp:amber+strict", "AMBER+STRICT"),
        ("tlp", "clear", "CLEAR"),
        (
            "malware.hash.md5",
            "44D88612FEA8A8F36DE82E1278ABB02F",
            "44d88612fea8a8f36de82e1278abb02f",
        ),
        ("raw", b"203.0.113.7,49152", "MjAzLjAuMTEzLjcsNDkxNTI="),
        ("comment", b"caf\xc3\xa9", "café"),
        ("rtir_id", "4711", 4711),
    ],
)
def test_it_normalises_each_value_by_its_type(name: str, sent: object, stored: object) -> None:
    assert validate_field(name, sent) == stored


@pytest.mark.parametrize(
    ("name", "sent", "reason"),
    [
        ("source.ip", "::", "unspecified address"),
        ("source.ip", "0.0.0.0", "unspecified address"),
        ("source.ip", "999.1.1.1", "not an IPv4 or IPv6 address"),
        ("source.ip", "203.0.113.07", "not an IPv4 or IPv6 address"),
        ("source.network", "203.0.113.0/33", "not an IP prefix"),
        ("source.port", "70000", "must be from 0 to 65535"),
        ("source.port", "-1", "must be from 0 to 65535"),
        ("source.port", "http", "not a whole number"),
        ("source.port", True, "got bool"),
        ("source.port", "1_000", "not a whole number"),
        ("source.asn", "0", "AS 0 is reserved"),
        ("source.asn", 4294967296, "must be from 1 to 4294967295"),
        ("source.geolocation.cc", "VNM", "two-letter"),
        ("source.geolocation.cc", "V1", "two-letter"),
        ("source.registry", "IANA", "is not one of AFRINIC, APNIC, ARIN, LACNIC, RIPE"),
        ("source.fqdn", "203.0.113.7", "is an IP address"),
        ("source.fqdn", "http://example.vn/", "is not a domain name"),
        ("source.fqdn", "-bad-.example.vn", "is not a domain name"),
        ("source.url", "update.example.vn/x.exe", "absolute URL with a host"),
        ("source.url", "http://exa mple.vn/", "white space"),
        ("source.tor_node", "maybe", "not true or false"),
        ("source.geolocation.latitude", "nan", "not a number"),
        ("source.geolocation.latitude", float("inf"), "not a finite number"),
        ("feed.accuracy", 101, "must be from 0 to 100"),
        ("tlp", "YELLOW", "is not one of"),
        ("malware.hash.sha256", "abc123", "64 hex digits"),
        ("malware.hash.sha1", "z" * 40, "40 hex digits"),
        ("raw", "not base64!", "not base64"),
        ("comment", 42, "expected text, got int"),
        ("comment", b"\xff\xfe", "not UTF-8"),
    ],
)
def test_it_refuses_a_value_of_the_wrong_type(name: str, sent: object, reason: str) -> None:
    error = _field_refusal(name, sent)

    assert error.field == name
    assert reason in error.reason
    assert str(error).startswith(f"{name}: ")
