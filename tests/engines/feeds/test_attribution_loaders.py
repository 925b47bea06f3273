import datetime as dt
from pathlib import Path

import pytest

from cleannet.engines.feeds.attribution import (
    DelegatedRecord,
    LineReject,
    PrefixEntry,
    PrefixIndex,
    iter_delegated,
    load_delegated,
    load_ipasn,
    load_org_prefixes,
)

FIXTURES = Path(__file__).parent / "fixtures" / "attribution"


def lines_of(name: str) -> list[str]:
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines(keepends=True)


def rejected_lines(rejects: list[LineReject]) -> dict[int, str]:
    return {reject.line: reject.reason for reject in rejects}


# --- IPASN ----------------------------------------------------------------------------


def test_it_reads_the_prefixes_and_origin_ases_of_an_ipasn_dump() -> None:
    loaded = load_ipasn(lines_of("ipasn.dat"))
    assert loaded.entries == [
        PrefixEntry("192.0.2.0/24", 64502, None),
        PrefixEntry("198.51.100.0/24", 64501, None),
        PrefixEntry("198.51.100.0/25", 64501, None),
        PrefixEntry("203.0.113.0/24", 64500, None),
        PrefixEntry("203.0.113.128/25", 64500, None),
        PrefixEntry("2001:db8:a::/48", 64500, None),
        PrefixEntry("2001:db8:a:1::/64", 64500, None),
    ]


def test_it_rejects_the_bad_lines_of_an_ipasn_dump_with_their_line_numbers() -> None:
    rejects = rejected_lines(load_ipasn(lines_of("ipasn.dat")).rejects)
    assert sorted(rejects) == [12, 13, 14, 15, 16, 17, 20]
    assert "host bits" in rejects[12]
    assert "AS set" in rejects[13]
    assert "above 32" in rejects[14]
    assert "default route" in rejects[15]
    assert "separated by a tab" in rejects[16]
    assert rejects[17].startswith("asn:")
    assert "outside the AS number range" in rejects[20]


def test_it_keeps_the_raw_text_of_a_rejected_line() -> None:
    reject = load_ipasn(["203.0.113.5/24\t64500\r\n"]).rejects[0]
    assert (reject.line, reject.raw) == (1, "203.0.113.5/24\t64500")


def test_an_index_built_from_an_ipasn_dump_answers_the_origin_as() -> None:
    index = PrefixIndex(load_ipasn(lines_of("ipasn.dat")).entries)
    assert index.lookup("198.51.100.200", None, dt.date(2026, 3, 1)).asn == 64501
    assert index.lookup("198.51.100.7", None, dt.date(2026, 3, 1)).prefix == "198.51.100.0/25"


# --- delegated statistics -------------------------------------------------------------


def test_it_reads_the_held_records_of_a_delegated_file() -> None:
    records = [
        r
        for r in iter_delegated(lines_of("delegated-extended.txt"))
        if isinstance(r, DelegatedRecord)
    ]
    assert [r.line for r in records] == [7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19]
    asn_record = records[2]
    assert (asn_record.kind, asn_record.asns, asn_record.holder) == (
        "asn",
        range(64502, 64504),
        "A9000003",
    )
    assert asn_record.day == dt.date(2010, 7, 20)
    assert records[0].registry == "apnic" and records[0].country == "VN"


def test_it_splits_an_ipv4_count_that_is_not_one_cidr_into_cidrs() -> None:
    records = [
        r
        for r in iter_delegated(lines_of("delegated-extended.txt"))
        if isinstance(r, DelegatedRecord)
    ]
    assert records[6].networks == ("192.0.2.64/26", "192.0.2.128/25")
    assert records[5].networks == ("198.51.100.0/25",)


def test_it_reads_the_ipv6_value_as_a_prefix_length() -> None:
    records = [
        r
        for r in iter_delegated(lines_of("delegated-extended.txt"))
        if isinstance(r, DelegatedRecord)
    ]
    assert records[-1].networks == ("2001:db8:b::/48",)


def test_it_keeps_only_the_records_of_the_country_asked_for() -> None:
    rows = iter_delegated(lines_of("delegated-extended.txt"), country="vn")
    records = [r for r in rows if isinstance(r, DelegatedRecord)]
    assert {r.country for r in records} == {"VN"}
    assert 14 not in [r.line for r in records]


def test_it_gives_entries_owned_by_the_opaque_holder_id_from_the_delegation_day() -> None:
    loaded = load_delegated(lines_of("delegated-extended.txt"), country="VN")
    assert PrefixEntry("203.0.113.0/24", None, "A9000001", dt.date(2008, 1, 1)) in loaded.entries
    assert PrefixEntry("192.0.2.0/26", None, "A9000004", None) in loaded.entries
    assert len(loaded.entries) == 7


def test_it_rejects_the_bad_lines_of_a_delegated_file_with_their_line_numbers() -> None:
    rejects = rejected_lines(load_delegated(lines_of("delegated-extended.txt")).rejects)
    assert sorted(rejects) == [20, 21, 22, 23, 24, 25, 26, 27]
    assert "host bits" in rejects[20]
    assert rejects[21].startswith("value:")
    assert rejects[22].startswith("ipv4: '192.0.2.256'")
    assert rejects[23].startswith("date:")
    assert rejects[24].startswith("type:")
    assert rejects[25].startswith("status:")
    assert "fields" in rejects[26]
    assert "above 128" in rejects[27]


@pytest.mark.parametrize(
    "line",
    [
        "2|ripencc|20260301|3|19830705|20260228|+0100",
        "arin|*|ipv4|*|2|summary",
        "# a comment",
        "",
        "lacnic|BR|ipv4|198.51.100.0|256||available|",
    ],
)
def test_it_skips_headers_summaries_comments_and_unheld_records(line) -> None:
    assert list(iter_delegated([line])) == []


def test_it_refuses_an_ipv4_count_that_runs_past_the_address_space() -> None:
    (reject,) = iter_delegated(["apnic|VN|ipv4|255.255.255.0|512|20080101|allocated|X"])
    assert isinstance(reject, LineReject) and reject.reason.startswith("value:")


# --- organisation prefixes ------------------------------------------------------------


def test_it_reads_organisation_prefixes_with_their_history() -> None:
    loaded = load_org_prefixes(lines_of("org-prefixes.csv"))
    assert loaded.entries[:4] == [
        PrefixEntry("203.0.113.64/27", 64500, "demo-bank", dt.date(2021, 1, 1), None),
        PrefixEntry(
            "203.0.113.128/25", 64500, "song-hong-net", dt.date(2020, 1, 1), dt.date(2025, 7, 1)
        ),
        PrefixEntry("203.0.113.128/25", 64501, "phuong-nam-net", dt.date(2025, 7, 1), None),
        PrefixEntry("2001:db8:a:b::/64", None, "demo-bank", dt.date(2022, 3, 15), None),
    ]
    assert loaded.entries[4] == PrefixEntry("198.51.100.0/25", None, "phuong-nam-net", None, None)
    assert len(loaded.entries) == 7


def test_it_rejects_the_bad_rows_of_an_organisation_csv_with_their_line_numbers() -> None:
    rejects = rejected_lines(load_org_prefixes(lines_of("org-prefixes.csv")).rejects)
    assert sorted(rejects) == [9, 10, 11, 12, 13, 14]
    assert rejects[9].startswith("valid_until:")
    assert "host bits" in rejects[10]
    assert rejects[11].startswith("valid_from:")
    assert rejects[12].startswith("organisation:")
    assert rejects[13].startswith("asn:")
    assert "6 columns" in rejects[14]


def test_it_reads_an_organisation_csv_without_a_header() -> None:
    loaded = load_org_prefixes(["demo-bank,192.0.2.0/24\n"])
    assert loaded.entries == [PrefixEntry("192.0.2.0/24", None, "demo-bank", None, None)]
