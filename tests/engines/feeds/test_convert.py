"""The fast converters give exactly what core's field normalisers give."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidEvent
from cleannet.core.event import validate_field
from cleannet.engines.feeds.convert import converter_for, looks_like_formula
from cleannet.engines.feeds.records import RowError

AWKWARD = [
    "190.113.1.2", "0.0.0.0", "010.1.1.1", "256.1.1.1", "1.2.3", " 1.2.3.4", "::ffff:1.2.3.4",
    "2001:DB8::1", "2001:db8:0:0:0:0:0:1", "::", "fe80::1%eth0", "", "x", "1.2.3.4 ",
    "17409", "65535", "65536", "-1", "0", "+5", "٣", "12252", "AS12252", "4294967296",
    "2021-03-04 00:00:00", "2021-03-04T00:00:00Z", "2021-03-04 00:00:00 UTC", "2021-03-04",
    "2021-03-04T07:00:00+07:00", "2021-02-30 00:00:00", "1614816000", "PE", "pe", "PER",
]  # fmt: skip
FIELDS = [
    "source.ip", "destination.ip", "source.port", "source.asn", "time.source",
    "source.geolocation.cc", "source.fqdn", "source.url", "malware.hash.md5",
]  # fmt: skip


def _core(field: str, text: str) -> object:
    try:
        return validate_field(field, text)
    except InvalidEvent:
        return "refused"


def _fast(field: str, text: str) -> object:
    try:
        return converter_for(field)(text)
    except RowError:
        return "refused"


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("text", [t for t in AWKWARD if t.strip()])  # plans skip empties
def test_it_agrees_with_core_on_awkward_values(field: str, text: str) -> None:
    assert _fast(field, text) == _core(field, text)


@given(st.text(alphabet="0123456789.:abcdefABCDEF x-", max_size=40))
def test_it_agrees_with_core_on_random_addresses(text: str) -> None:
    if text.strip():
        assert _fast("source.ip", text) == _core("source.ip", text)


@given(st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_it_agrees_with_core_on_shadowserver_timestamps(moment: dt.datetime) -> None:
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    assert _fast("time.source", text) == _core("time.source", text)


def test_it_names_the_field_and_the_reason_when_it_refuses() -> None:
    with pytest.raises(RowError) as caught:
        converter_for("source.ip")("999.1.1.1")
    assert caught.value.field == "source.ip"
    assert "not an IPv4 or IPv6 address" in caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        '+HYPERLINK("x")',
        "-2+3+cmd|' /C calc'!A0",
    ],
)
def test_it_refuses_spreadsheet_formulas_in_text_fields(text: str) -> None:
    assert looks_like_formula(text)
    with pytest.raises(RowError, match="spreadsheet formula"):
        converter_for("classification.identifier")(text)
    with pytest.raises(RowError, match="spreadsheet formula"):
        converter_for("extra.tag")(text)


@pytest.mark.parametrize("text", ["-", "+84912345678", "mirai", "a-b", "-1", "cve-2021-1234"])
def test_it_keeps_ordinary_text_that_starts_like_a_sign(text: str) -> None:
    assert not looks_like_formula(text)
