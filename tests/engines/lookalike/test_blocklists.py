"""Blocklist renderers: RPZ zone, hosts file, CSV and STIX 2.1, with awkward names."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import dns.name
import dns.rdatatype
import dns.zone
import pytest
import stix2
from hypothesis import given, settings
from hypothesis import strategies as st

from cleannet.core.errors import InvalidValue
from cleannet.engines.lookalike.blocklists import (
    BlockEntry,
    prepare_entries,
    render_csv,
    render_hosts,
    render_rpz,
    render_stix,
    serial_from_time,
)

LISTED = datetime(2025, 5, 1, 8, 30, tzinfo=UTC)
ORIGIN = "rpz.cleannet.vn."
FAKE = BlockEntry("vietcombank-xacminh.com", "vietcombank", "Asks for the OTP", LISTED)


def long_name(length: int) -> str:
    """Return a valid name of exactly ``length`` characters ending in ``.com``."""
    chars = ["a"] * (length - len(".com"))
    for dot in range(60, len(chars) - 1, 61):  # labels of 60 letters
        chars[dot] = "."
    return "".join(chars) + ".com"


def rpz(entries: list[BlockEntry], **options: object) -> str:
    options.setdefault("policy", "nxdomain")
    return render_rpz(entries, serial=2025050101, generated_at=LISTED, **options)  # type: ignore[arg-type]


def records(zone_text: str, name: str) -> dict[str, set[str]]:
    """Parse the zone with dnspython and return ``{type: {rdata}}`` at ``name`` (relative)."""
    zone = dns.zone.from_text(zone_text, origin=ORIGIN, relativize=True, check_origin=True)
    node = zone.get_node(dns.name.from_text(name, origin=None))
    assert node is not None, f"no records at {name}"
    return {
        dns.rdatatype.to_text(rds.rdtype): {rd.to_text() for rd in rds} for rds in node.rdatasets
    }


def test_long_name_builds_names_of_the_asked_length() -> None:
    assert {len(long_name(n)) for n in (100, 236, 253)} == {100, 236, 253}


# --- preparation ---------------------------------------------------------------------------


def test_it_folds_upper_case_trailing_dots_and_idn_to_one_punycode_name() -> None:
    entries = [
        BlockEntry("VietcomBank-XacMinh.COM.", "vietcombank", "later", LISTED, False),
        BlockEntry("điệnlực.vn", "evn", "refund", LISTED),
        BlockEntry("vietcombank-xacminh.com", None, "first", LISTED - timedelta(days=1), False),
    ]
    prepared = prepare_entries(entries)
    assert [e.name for e in prepared] == ["vietcombank-xacminh.com", "xn--inlc-zua1576bqia.vn"]
    assert prepared[0].reason == "first"
    assert prepared[0].include_subdomains is False


def test_it_blocks_subdomains_when_any_duplicate_asks_for_them() -> None:
    later = BlockEntry("VIETCOMBANK-xacminh.com", None, "again", LISTED + timedelta(hours=1))
    first = BlockEntry("vietcombank-xacminh.com", "vietcombank", "first", LISTED, False)
    (merged,) = prepare_entries([later, first])
    assert (merged.reason, merged.include_subdomains) == ("first", True)


def test_it_keeps_listing_times_in_utc() -> None:
    hanoi = timezone(timedelta(hours=7))
    (entry,) = prepare_entries(
        [BlockEntry("a-fake.vn", None, "x", datetime(2025, 5, 1, 15, 30, tzinfo=hanoi))]
    )
    assert entry.listed_at == LISTED.replace(hour=8)
    assert entry.listed_at.tzinfo is UTC


@pytest.mark.parametrize(
    "name", ["", "bad..name.com", "-dash.com", "1.2.3.4", "single", "a b.com", "x" * 64 + ".com"]
)
def test_it_refuses_a_name_that_is_not_a_hostname_and_names_the_entry(name: str) -> None:
    with pytest.raises(InvalidValue) as error:
        prepare_entries([FAKE, BlockEntry(name, None, "x", LISTED)])
    assert error.value.field == "entries[1].name"


def test_it_refuses_a_listing_time_without_a_zone() -> None:
    with pytest.raises(InvalidValue) as error:
        render_csv([BlockEntry("a-fake.vn", None, "x", datetime(2025, 5, 1))])
    assert error.value.field == "entries[0].listed_at"


# --- RPZ -----------------------------------------------------------------------------------


def test_the_zone_header_names_origin_ttl_soa_ns_and_counts() -> None:
    text = rpz([FAKE], ttl=120)
    lines = text.splitlines()
    assert "; generated: 2025-05-01T08:30:00Z" in lines
    assert "; policy: nxdomain" in lines
    assert "; names: 1" in lines
    assert "; skipped: 0 triggers too long under the origin" in lines
    assert "$ORIGIN rpz.cleannet.vn." in lines
    assert "$TTL 120" in lines
    assert records(text, "@") == {
        "SOA": {"localhost. hostmaster.cleannet.vn. 2025050101 3600 600 604800 120"},
        "NS": {"localhost."},
    }


def test_nxdomain_writes_cname_root_for_the_name_and_its_wildcard() -> None:
    text = rpz([FAKE])
    assert records(text, "vietcombank-xacminh.com") == {"CNAME": {"."}}
    assert records(text, "*.vietcombank-xacminh.com") == {"CNAME": {"."}}


def test_nodata_writes_cname_star() -> None:
    assert records(rpz([FAKE], policy="nodata"), "vietcombank-xacminh.com") == {"CNAME": {"*."}}


def test_walled_garden_writes_the_addresses_as_local_data() -> None:
    text = rpz(
        [FAKE],
        policy="walled-garden",
        walled_garden_ipv4="192.0.2.9",
        walled_garden_ipv6="2001:DB8::9",
    )
    expected = {"A": {"192.0.2.9"}, "AAAA": {"2001:db8::9"}}
    assert records(text, "vietcombank-xacminh.com") == expected
    assert records(text, "*.vietcombank-xacminh.com") == expected


def test_walled_garden_by_name_writes_an_absolute_cname() -> None:
    text = rpz([FAKE], policy="walled-garden", walled_garden_cname="CanhBao.CleanNet.vn")
    assert records(text, "vietcombank-xacminh.com") == {"CNAME": {"canhbao.cleannet.vn."}}


def test_a_name_without_subdomains_gets_no_wildcard() -> None:
    text = rpz([BlockEntry("one-host.example.com", None, "x", LISTED, False)])
    zone = dns.zone.from_text(text, origin=ORIGIN, relativize=True)
    assert sorted(str(name) for name in zone.nodes) == ["@", "one-host.example.com"]


def test_names_are_sorted_deduplicated_and_in_punycode() -> None:
    entries = [FAKE, BlockEntry("ĐIỆNLỰC.vn.", "evn", "x", LISTED, False), FAKE]
    owners = [line.split()[0] for line in rpz(entries).splitlines()[9:]]
    assert owners == [
        "vietcombank-xacminh.com",
        "*.vietcombank-xacminh.com",
        "xn--inlc-zua1576bqia.vn",
    ]


def test_an_over_long_trigger_is_skipped_and_counted_not_written() -> None:
    fits_without_wildcard = long_name(236)  # 236 + 16 = 252; "*." makes it 254
    too_long = long_name(250)
    text = rpz(
        [
            FAKE,
            BlockEntry(fits_without_wildcard, None, "x", LISTED),
            BlockEntry(too_long, None, "x", LISTED),
        ]
    )
    assert "; skipped: 3 triggers too long under the origin" in text
    assert "; names: 2" in text
    assert records(text, fits_without_wildcard) == {"CNAME": {"."}}
    assert f"*.{fits_without_wildcard}" not in text
    assert too_long not in text


def test_a_reason_with_line_breaks_stays_inside_its_comment() -> None:
    evil = BlockEntry(
        "evil-fake.com", "x", "first line\nevil.com IN A 1.2.3.4\r\n$INCLUDE /etc/x", LISTED
    )
    text = rpz([evil])
    assert records(text, "evil-fake.com") == {"CNAME": {"."}}
    assert not any(line.startswith(("evil.com", "$INCLUDE")) for line in text.splitlines())


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"policy": "block"}, "policy"),
        ({"policy": "walled-garden"}, "policy"),
        ({"policy": "walled-garden", "walled_garden_ipv4": "300.1.1.1"}, "walled_garden_ipv4"),
        ({"policy": "walled-garden", "walled_garden_ipv6": "192.0.2.1"}, "walled_garden_ipv6"),
        (
            {
                "policy": "walled-garden",
                "walled_garden_ipv4": "192.0.2.1",
                "walled_garden_cname": "w.vn",
            },
            "walled_garden_cname",
        ),
        ({"policy": "walled-garden", "walled_garden_cname": "bad..vn"}, "walled_garden_cname"),
        ({"origin": "rpz..vn."}, "origin"),
        ({"soa_mname": "ns.rpz.cleannet.vn."}, "soa_mname"),
        ({"ttl": -1}, "ttl"),
    ],
)
def test_it_refuses_bad_options_naming_the_field(options: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValue) as error:
        rpz([FAKE], **options)
    assert error.value.field == field


@pytest.mark.parametrize("serial", [0, 2**32])
def test_it_refuses_a_serial_outside_32_bits(serial: int) -> None:
    with pytest.raises(InvalidValue) as error:
        render_rpz([FAKE], serial=serial, policy="nxdomain")
    assert error.value.field == "serial"


def test_the_serial_from_a_time_is_its_unix_time() -> None:
    assert serial_from_time(LISTED) == 1746088200
    assert serial_from_time(LISTED + timedelta(seconds=1)) > serial_from_time(LISTED)
    with pytest.raises(InvalidValue):
        serial_from_time(datetime(2025, 5, 1))
    with pytest.raises(InvalidValue):
        serial_from_time(datetime(2107, 1, 1, tzinfo=UTC))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.from_regex(
            r"[a-zA-Z0-9-]{1,20}(\.[a-z0-9-]{1,20}){0,3}\.(com|vn|com\.vn)\.?", fullmatch=True
        ),
        max_size=8,
    )
)
def test_any_accepted_list_renders_a_zone_dnspython_can_load(names: list[str]) -> None:
    entries = [BlockEntry(name, None, "r", LISTED) for name in names]
    try:
        text = rpz(entries)
    except InvalidValue:
        return  # e.g. a label with a leading hyphen: refused, never rendered
    zone = dns.zone.from_text(text, origin=ORIGIN, relativize=True)
    assert len(zone.nodes) == 1 + 2 * len(prepare_entries(entries))


# --- hosts, CSV ----------------------------------------------------------------------------


def test_hosts_maps_each_name_and_its_www_to_the_address() -> None:
    entries = [
        FAKE,
        BlockEntry("www.other-fake.vn", None, "x", LISTED),
        BlockEntry("one.fake.vn", None, "x", LISTED, False),
    ]
    text = render_hosts(entries, generated_at=LISTED)
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == [
        "0.0.0.0 one.fake.vn",
        "0.0.0.0 vietcombank-xacminh.com",
        "0.0.0.0 www.vietcombank-xacminh.com",
        "0.0.0.0 www.other-fake.vn",
    ]
    assert "# names: 3" in text
    assert "cannot block every subdomain" in text


def test_hosts_accepts_an_ipv6_address_and_refuses_a_bad_one() -> None:
    assert "::1 xn--inlc-zua1576bqia.vn" in render_hosts(
        [BlockEntry("điệnlực.vn", None, "x", LISTED)], address="::1"
    )
    with pytest.raises(InvalidValue) as error:
        render_hosts([FAKE], address="nowhere")
    assert error.value.field == "address"


def test_csv_has_the_header_and_one_row_per_name() -> None:
    entries = [FAKE, BlockEntry("Điệnlực.vn.", None, 'Trang, giả "hoàn tiền"', LISTED, False)]
    text = render_csv(entries)
    rows = list(csv.reader(io.StringIO(text)))
    assert text.startswith("name,brand,reason,listed_at,include_subdomains\r\n")
    assert rows[1:] == [
        [
            "vietcombank-xacminh.com",
            "vietcombank",
            "Asks for the OTP",
            "2025-05-01T08:30:00Z",
            "true",
        ],
        ["xn--inlc-zua1576bqia.vn", "", 'Trang, giả "hoàn tiền"', "2025-05-01T08:30:00Z", "false"],
    ]


def test_csv_defuses_cells_a_spreadsheet_would_run_as_formulas() -> None:
    entry = BlockEntry("a-fake.vn", "@brand", '=HYPERLINK("http://x")', LISTED)
    row = list(csv.reader(io.StringIO(render_csv([entry]))))[1]
    assert row[1:3] == ["'@brand", '\'=HYPERLINK("http://x")']


# --- STIX ----------------------------------------------------------------------------------


def test_stix_is_a_valid_bundle_with_an_identity_and_one_indicator_per_name() -> None:
    entries = [FAKE, BlockEntry("điệnlực.vn", None, "Fake refund", LISTED, False), FAKE]
    bundle = stix2.parse(render_stix(entries, identity_name="VNCERT"), allow_custom=False)
    identity, *indicators = bundle.objects
    assert (identity.type, identity.name) == ("identity", "VNCERT")
    assert [i.pattern for i in indicators] == [
        "[domain-name:value = 'vietcombank-xacminh.com']",
        "[domain-name:value = 'xn--inlc-zua1576bqia.vn']",
    ]
    first = indicators[0]
    assert first.indicator_types == ["malicious-activity"]
    assert first.valid_from == LISTED
    assert first.created_by_ref == identity.id
    assert "vietcombank" in first.name and "brand:vietcombank" in first.labels
    assert "Asks for the OTP" in first.description
    assert "điệnlực.vn" in indicators[1].name


def test_stix_ids_do_not_change_when_the_list_is_published_again() -> None:
    once = json.loads(render_stix([FAKE]))
    again = json.loads(render_stix([BlockEntry("other-fake.vn", None, "x", LISTED), FAKE]))
    ids_once = {o["id"] for o in once["objects"]}
    ids_again = {o["id"] for o in again["objects"]}
    assert ids_once < ids_again
    assert render_stix([FAKE]) == render_stix([FAKE])
    assert once["id"] != again["id"]
