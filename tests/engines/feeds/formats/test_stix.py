"""STIX 2.1 bundles: indicators and observed data in, accepted and rejected rows out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cleannet.core.event import Event
from cleannet.engines.feeds.formats.stix import TLP_MARKING_IDS, parse_stix
from cleannet.engines.feeds.formats.stix_patterns import UnsupportedPattern, observables
from cleannet.engines.feeds.records import (
    MAX_RAW_CHARS,
    Accepted,
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
)
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "stix"
OPTIONS = ParseOptions(feed_name="example-cert-stix", provider="Example CERT")
INDICATOR_ID = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
MALWARE_ID = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"
SHA256 = "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"


def _fixture_rows(name: str, options: ParseOptions = OPTIONS) -> list[Row]:
    (source,) = open_sources(FIXTURES / name)
    return list(parse_stix(source, options))


def _parse(document: object, options: ParseOptions = OPTIONS) -> list[Row]:
    return list(parse_stix(text_source("bundle.json", json.dumps(document)), options))


def _bundle_rows(*objects: dict[str, Any], options: ParseOptions = OPTIONS) -> list[Row]:
    bundle = {"type": "bundle", "id": "bundle--1", "objects": list(objects)}
    return _parse(bundle, options)


def _indicator(
    pattern: str | None = "[ipv4-addr:value = '198.51.100.1']", **changes: Any
) -> dict[str, Any]:
    indicator: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": INDICATOR_ID,
        "created": "2024-03-01T09:15:00.000Z",
        "modified": "2024-03-01T09:15:00.000Z",
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": "2024-03-01T09:00:00Z",
    }
    indicator.update(changes)
    return {key: value for key, value in indicator.items() if value is not None}


def _indicates(target_id: str) -> dict[str, Any]:
    return {
        "type": "relationship",
        "id": f"relationship--{target_id[-12:]}",
        "relationship_type": "indicates",
        "source_ref": INDICATOR_ID,
        "target_ref": target_id,
    }


def _malware(name: str = "Emotet") -> dict[str, Any]:
    return {"type": "malware", "id": MALWARE_ID, "name": name, "is_family": True}


def _infrastructure(kind: str) -> dict[str, Any]:
    return {
        "type": "infrastructure",
        "id": "infrastructure--38c47d93-d984-4fd9-b87b-d69d0841628d",
        "name": "C2",
        "infrastructure_types": [kind],
    }


def _accepted(rows: list[Row]) -> list[Accepted]:
    assert all(isinstance(row, Accepted) for row in rows), rows
    return [row for row in rows if isinstance(row, Accepted)]


def _only_fields(rows: list[Row]) -> dict[str, Any]:
    (row,) = _accepted(rows)
    return row.fields


def _only_rejection(rows: list[Row]) -> Rejected:
    (row,) = rows
    assert isinstance(row, Rejected), row
    return row


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[ipv4-addr:value = '198.51.100.1']", {"source.ip": "198.51.100.1"}),
        ("[ipv4-addr:value = '198.51.100.1/32']", {"source.ip": "198.51.100.1"}),
        ("[ipv4-addr:value = '203.0.113.0/24']", {"source.network": "203.0.113.0/24"}),
        ("[ipv4-addr:value ISSUBSET '203.0.113.0/24']", {"source.network": "203.0.113.0/24"}),
        ("[ipv6-addr:value = '2001:DB8:0:0:0:0:0:10']", {"source.ip": "2001:db8::10"}),
        ("[ipv6-addr:value = '2001:db8::/32']", {"source.network": "2001:db8::/32"}),
        ("[domain-name:value = 'Login-Bank.Example']", {"source.fqdn": "login-bank.example"}),
        (
            "[url:value = 'http://x.example/a']",
            {"source.url": "http://x.example/a", "source.fqdn": "x.example"},
        ),
        (
            "[email-addr:value = 'Billing@Bank-Secure.Example']",
            {"source.account": "Billing@bank-secure.example"},
        ),
        (f"[file:hashes.'SHA-256' = '{SHA256.upper()}']", {"malware.hash.sha256": SHA256}),
        (f"[file:hashes.SHA256 = '{SHA256}']", {"malware.hash.sha256": SHA256}),
        (
            "[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f']",
            {"malware.hash.md5": "44d88612fea8a8f36de82e1278abb02f"},
        ),
        (
            "[file:hashes.'SHA-1' = '3395856ce81f2b7382dee72602f798b642f14140']",
            {"malware.hash.sha1": "3395856ce81f2b7382dee72602f798b642f14140"},
        ),
        (
            f"[file:name = 'invoice.exe' AND file:hashes.'SHA-256' = '{SHA256}']",
            {"extra.file_name": "invoice.exe", "malware.hash.sha256": SHA256},
        ),
        (
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND "
            "network-traffic:dst_ref.value = '192.0.2.55' AND network-traffic:dst_port = 23]",
            {"source.ip": "192.0.2.55", "source.port": 23},
        ),
        (
            "[network-traffic:dst_ref.type = 'domain-name' AND "
            "network-traffic:dst_ref.value = 'c2.bad.example']",
            {"source.fqdn": "c2.bad.example"},
        ),
    ],
)
def test_it_maps_each_observable_of_a_pattern_to_its_event_field(
    pattern: str, expected: dict[str, Any]
) -> None:
    fields = _only_fields(_bundle_rows(_indicator(pattern)))

    assert {name: fields.get(name) for name in expected} == expected
    assert fields["feed.name"] == "example-cert-stix"
    assert fields["feed.provider"] == "Example CERT"
    assert fields["extra.stix_id"] == INDICATOR_ID


def test_it_yields_one_row_per_alternative_of_an_or_pattern_sharing_the_row_number() -> None:
    pattern = (
        "[ipv4-addr:value = '203.0.113.10' OR ipv6-addr:value = '2001:db8::10'] "
        "OR [domain-name:value = 'kit.example']"
    )

    rows = _bundle_rows(_malware(), _indicator(pattern))

    accepted = _accepted(rows)
    assert [row.row for row in accepted] == [2, 2, 2]
    assert [row.fields.get("source.ip") or row.fields.get("source.fqdn") for row in accepted] == [
        "203.0.113.10",
        "2001:db8::10",
        "kit.example",
    ]


def test_it_reads_an_in_list_as_alternatives() -> None:
    rows = _bundle_rows(_indicator("[ipv4-addr:value IN ('192.0.2.101', '192.0.2.102')]"))

    assert [row.fields["source.ip"] for row in _accepted(rows)] == ["192.0.2.101", "192.0.2.102"]


def test_it_rejects_one_bad_alternative_and_keeps_the_others() -> None:
    pattern = "[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '192.0.2.300']"

    first, second = _bundle_rows(_indicator(pattern))

    assert isinstance(first, Accepted)
    assert isinstance(second, Rejected)
    assert (second.row, second.field) == (1, "source.ip")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("[ipv4-addr:value = '1.2.3.4'] AND [url:value = 'http://a.example/']", "with AND"),
        ("[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [url:value = 'http://a/']", "FOLLOWEDBY"),
        ("[ipv4-addr:value = '1.2.3.4'] REPEATS 5 TIMES", "REPEATS qualifier"),
        ("[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS", "WITHIN qualifier"),
        ("[domain-name:value LIKE '%.example']", "operator LIKE"),
        ("[domain-name:value MATCHES '^a']", "operator MATCHES"),
        ("[ipv4-addr:value != '1.2.3.4']", "operator !="),
        ("[ipv4-addr:value NOT = '1.2.3.4']", "operator NOT"),
        ("[file:created = t'2024-01-01T00:00:00Z']", "only text and whole numbers"),
        ("[process:name = 'evil.exe']", "process:name"),
        ("[file:hashes.'SHA-512' = 'ab']", "file:hashes.SHA-512"),
        ("[ipv4-addr:value = '1.2.3.4' AND url:value = 'http://a/']", "ipv4-addr and url at once"),
        ("[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']", "two values"),
        ("[network-traffic:dst_port = 443]", "names no observable"),
        ("[domain-name:value ISSUBSET 'example.com']", "ISSUBSET"),
        ("[ipv4-addr:value = '1.2.3.4'", "malformed: expected ']'"),
        ("ipv4-addr:value = '1.2.3.4'", "malformed"),
        ("[ipv4-addr:value = '1.2.3.4'] ;", "unexpected ';'"),
        ("(" * 40 + "[ipv4-addr:value = '1.2.3.4']" + ")" * 40, "nested more than"),
    ],
)
def test_it_rejects_a_pattern_that_is_not_a_list_of_observables(pattern: str, reason: str) -> None:
    rejected = _only_rejection(_bundle_rows(_indicator(pattern)))

    assert rejected.field == "pattern"
    assert reason in rejected.reason
    assert rejected.reason.startswith("the pattern ")


def test_it_bounds_the_alternatives_an_and_of_ors_expands_to() -> None:
    forty = " OR ".join(f"network-traffic:dst_ref.value = '192.0.2.{n}'" for n in range(40))
    pattern = f"[({forty}) AND ({forty})]"

    with pytest.raises(UnsupportedPattern, match="more than 1000 alternatives"):
        observables(pattern)


def test_it_unescapes_quotes_in_pattern_strings() -> None:
    (observable,) = observables(r"[url:value = 'http://a.example/it\'s']")

    assert observable[0].value == "http://a.example/it's"


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"pattern": None}, "pattern", "has no pattern"),
        ({"pattern": 42}, "pattern", "has no pattern"),
        ({"pattern": "   "}, "pattern", "has no pattern"),
        ({"pattern_type": "snort", "pattern": "alert tcp any any"}, "pattern_type", "'snort'"),
        ({"indicator_types": ["benign"]}, "indicator_types", "allow-list"),
        ({"revoked": True}, "revoked", "revoked"),
    ],
)
def test_it_rejects_an_indicator_it_cannot_use(
    changes: dict[str, Any], field: str, reason: str
) -> None:
    rejected = _only_rejection(_bundle_rows(_indicator(**changes)))

    assert rejected.field == field
    assert reason in rejected.reason


def test_it_rejects_a_bad_address_naming_the_event_field() -> None:
    rejected = _only_rejection(_bundle_rows(_indicator("[ipv4-addr:value = '198.51.100.300']")))

    assert rejected.field == "source.ip"
    assert "is not an IPv4 or IPv6 address" in rejected.reason


def test_it_rejects_an_e_mail_value_that_is_not_an_address() -> None:
    rejected = _only_rejection(_bundle_rows(_indicator("[email-addr:value = 'not-an-address']")))

    assert rejected.field == "source.account"


def test_it_takes_the_time_from_valid_from_else_created() -> None:
    with_valid_from = _only_fields(_bundle_rows(_indicator()))
    without = _only_fields(_bundle_rows(_indicator(valid_from=None)))

    assert with_valid_from["time.source"] == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert without["time.source"] == datetime(2024, 3, 1, 9, 15, tzinfo=UTC)


def test_it_rejects_an_indicator_with_no_time_at_all() -> None:
    rejected = _only_rejection(_bundle_rows(_indicator(valid_from=None, created=None)))

    assert rejected.field == "time.source"


@pytest.mark.parametrize(
    ("pattern", "indicator_types", "linked", "expected"),
    [
        ("[ipv4-addr:value = '192.0.2.1']", ["malicious-activity"], [_malware()], "c2-server"),
        ("[domain-name:value = 'c2.example']", ["malicious-activity"], [_malware()], "c2-server"),
        (
            "[url:value = 'http://x.example/a']",
            ["malicious-activity"],
            [_malware()],
            "malware-distribution",
        ),
        (
            "[email-addr:value = 'a@b.example']",
            ["malicious-activity"],
            [_malware()],
            "undetermined",
        ),
        ("[ipv4-addr:value = '192.0.2.1']", ["malicious-activity"], [], "undetermined"),
        (f"[file:hashes.'SHA-256' = '{SHA256}']", ["malicious-activity"], [], "malware"),
        ("[ipv4-addr:value = '192.0.2.1']", ["anonymization"], [], "proxy"),
        ("[domain-name:value = 'shop.example']", ["compromised"], [], "system-compromise"),
        (
            "[ipv4-addr:value = '192.0.2.1']",
            ["malicious-activity"],
            [_infrastructure("command-and-control")],
            "c2-server",
        ),
        (
            "[url:value = 'http://x.example/a']",
            [],
            [_infrastructure("hosting-malware")],
            "malware-distribution",
        ),
        ("[url:value = 'http://x.example/a']", [], [_infrastructure("phishing")], "phishing"),
        ("[ipv4-addr:value = '192.0.2.1']", [], [_infrastructure("botnet")], "infected-system"),
        ("[ipv4-addr:value = '192.0.2.1']", [], [_infrastructure("anonymization")], "proxy"),
    ],
)
def test_it_classifies_an_indicator_by_the_documented_rules(
    pattern: str, indicator_types: list[str], linked: list[dict[str, Any]], expected: str
) -> None:
    links = [_indicates(str(target["id"])) for target in linked]
    indicator = _indicator(pattern, indicator_types=indicator_types or None)

    fields = _only_fields(_bundle_rows(*linked, indicator, *links))

    assert fields["classification.type"] == expected


def test_it_falls_back_to_the_feeds_classification_when_no_rule_applies() -> None:
    options = ParseOptions(feed_name="blocklist", classification_type="blacklist")

    fields = _only_fields(_bundle_rows(_indicator(), options=options))

    assert fields["classification.type"] == "blacklist"


def test_a_rule_wins_over_the_feeds_classification() -> None:
    options = ParseOptions(feed_name="blocklist", classification_type="blacklist")

    fields = _only_fields(
        _bundle_rows(_indicator(indicator_types=["anonymization"]), options=options)
    )

    assert fields["classification.type"] == "proxy"


def test_it_names_the_malware_the_indicator_indicates() -> None:
    fields = _only_fields(_bundle_rows(_malware("Emotet"), _indicator(), _indicates(MALWARE_ID)))

    assert fields["malware.name"] == "emotet"


@pytest.mark.parametrize(("marking_id", "level"), sorted(TLP_MARKING_IDS.items()))
def test_it_reads_tlp_from_the_standard_marking_ids(marking_id: str, level: str) -> None:
    fields = _only_fields(_bundle_rows(_indicator(object_marking_refs=[marking_id])))

    assert fields["tlp"] == level


@pytest.mark.parametrize(
    "marking",
    [
        {"definition_type": "tlp", "definition": {"tlp": "amber"}},
        {"name": "TLP:AMBER", "extensions": {"extension-definition--60a3": {"tlp_2_0": "amber"}}},
        {"definition_type": "TLP:AMBER"},
    ],
)
def test_it_reads_tlp_from_a_marking_defined_in_the_bundle(marking: dict[str, Any]) -> None:
    definition = {"type": "marking-definition", "id": "marking-definition--local-1", **marking}
    indicator = _indicator(object_marking_refs=["marking-definition--local-1"])

    assert _only_fields(_bundle_rows(definition, indicator))["tlp"] == "AMBER"


def test_the_most_restrictive_tlp_marking_wins() -> None:
    green, red = "bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "e828b379-4e03-4974-9ac4-e53a884c97c1"
    refs = [f"marking-definition--{green}", f"marking-definition--{red}"]

    assert _only_fields(_bundle_rows(_indicator(object_marking_refs=refs)))["tlp"] == "RED"


def test_it_uses_the_feeds_tlp_when_the_object_has_no_marking() -> None:
    options = ParseOptions(feed_name="f", tlp="green")

    assert _only_fields(_bundle_rows(_indicator(), options=options))["tlp"] == "GREEN"


def test_the_indicators_fixture_gives_one_or_more_rows_per_indicator_and_none_for_context() -> None:
    rows = _fixture_rows("indicators.json")
    document = json.loads((FIXTURES / "indicators.json").read_text(encoding="utf-8"))
    records = {
        index
        for index, item in enumerate(document["objects"], start=1)
        if item["type"] in {"indicator", "observed-data"}
    }

    assert {row.row for row in rows} == records
    accepted = [row for row in rows if isinstance(row, Accepted)]
    rejected = [row for row in rows if isinstance(row, Rejected)]
    assert len(accepted) + len(rejected) == len(rows)
    assert (len(records), len(accepted), len(rejected)) == (12, 9, 5)
    assert sorted(row.field or "" for row in rejected) == [
        "indicator_types",
        "pattern",
        "pattern",
        "pattern_type",
        "source.ip",
    ]


def test_the_fixtures_emotet_c2_carries_malware_markings_and_stix_details() -> None:
    first = next(row for row in _fixture_rows("indicators.json") if isinstance(row, Accepted))

    assert first.row == 4
    assert first.fields["source.ip"] == "198.51.100.1"
    assert first.fields["classification.type"] == "c2-server"
    assert first.fields["malware.name"] == "emotet"
    assert first.fields["tlp"] == "AMBER"
    assert first.fields["event_description.text"] == "Emotet C2 server"
    assert first.fields["extra.stix_confidence"] == 85
    assert first.fields["extra.stix_indicator_types"] == ["malicious-activity"]
    assert json.loads(first.raw)["id"] == INDICATOR_ID


def test_it_reads_observed_data_that_refers_to_objects_in_the_bundle() -> None:
    first, second, third = _fixture_rows("observed-data-21.json")

    assert isinstance(first, Accepted)
    assert isinstance(second, Accepted)
    assert (first.row, second.row) == (5, 5)
    assert first.fields["source.ip"] == "198.51.100.3"
    assert second.fields["source.fqdn"] == "update.bad.example"
    assert first.fields["time.source"] == datetime(2024, 3, 10, 19, 0, tzinfo=UTC)
    assert first.fields["extra.number_observed"] == 50
    assert first.fields["tlp"] == "RED"
    assert first.fields["classification.type"] == "undetermined"
    assert "198.51.100.3" in first.raw
    assert isinstance(third, Rejected)
    assert (third.row, third.field) == (6, "objects")


def test_it_reads_stix_2_0_observed_data_with_embedded_objects_and_traffic_roles() -> None:
    rows = _fixture_rows("observed-data-20.json")

    observed = [row.fields for row in _accepted(rows) if row.row == 1]
    assert [fields.get("extra.stix_traffic_role") for fields in observed] == [
        "destination",
        "source",
        None,
    ]
    assert observed[2]["malware.hash.md5"] == "44d88612fea8a8f36de82e1278abb02f"
    assert observed[2]["extra.file_name"] == "invoice.pdf.exe"


def test_it_reads_a_stix_2_0_indicator_with_labels_and_nanosecond_times() -> None:
    (indicator,) = [
        row for row in _accepted(_fixture_rows("observed-data-20.json")) if row.row == 2
    ]

    assert indicator.fields["classification.type"] == "system-compromise"
    assert indicator.fields["time.source"] == datetime(2017, 4, 10, 19, 58, 16, tzinfo=UTC)


def test_it_reads_a_taxii_envelope() -> None:
    rows = _fixture_rows("taxii-envelope.json")

    assert [row.fields["source.ip"] for row in _accepted(rows)] == ["192.0.2.101", "192.0.2.102"]


@pytest.mark.parametrize(
    "document",
    [[_indicator()], _indicator(), {"more": False, "objects": [_indicator()]}],
    ids=["bare list", "single object", "taxii envelope"],
)
def test_it_accepts_other_shapes_of_the_same_objects(document: object) -> None:
    assert _only_fields(_parse(document))["source.ip"] == "198.51.100.1"


@pytest.mark.parametrize(
    "document",
    [{"type": "bundle", "id": "bundle--1"}, {"type": "bundle", "objects": []}, {"more": False}, []],
)
def test_an_empty_bundle_or_page_yields_nothing(document: object) -> None:
    assert _parse(document) == []


def test_a_bom_prefixed_bundle_is_read() -> None:
    text = "\ufeff" + json.dumps({"type": "bundle", "objects": [_indicator()]})

    rows = list(parse_stix(text_source("bom.json", text), OPTIONS))

    assert _only_fields(rows)["source.ip"] == "198.51.100.1"


def test_the_bom_prefixed_empty_bundle_fixture_is_read() -> None:
    assert _fixture_rows("empty-bundle.json") == []


def test_an_item_that_is_not_an_object_is_rejected_in_its_place() -> None:
    rows = _bundle_rows(_indicator(), "not an object")  # type: ignore[arg-type]

    assert isinstance(rows[0], Accepted)
    assert isinstance(rows[1], Rejected)
    assert rows[1].row == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"type": "bundle", "objects": [', "is not JSON"),
        ("", "is empty"),
        ("42", "expected a JSON object or list"),
        ('{"hello": "world"}', "neither a STIX bundle"),
        ('{"type": "bundle", "objects": {"a": 1}}', "'objects' that is not a list"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_an_unusable_document_raises_a_feed_format_error_naming_the_source(
    text: str, reason: str
) -> None:
    with pytest.raises(FeedFormatError) as caught:
        list(parse_stix(text_source("feed-2024-03-01.json", text), OPTIONS))

    assert caught.value.source == "feed-2024-03-01.json"
    assert reason in caught.value.reason


def test_an_option_that_is_not_valid_raises_a_feed_format_error() -> None:
    with pytest.raises(FeedFormatError, match="tlp"):
        _bundle_rows(_indicator(), options=ParseOptions(feed_name="f", tlp="purple"))


def test_every_row_is_rejected_naming_feed_name_when_the_options_give_none() -> None:
    rejected = _only_rejection(_bundle_rows(_indicator(), options=ParseOptions()))

    assert rejected.field == "feed.name"


def test_raw_is_the_records_json_clipped_to_the_evidence_limit() -> None:
    indicator = _indicator(description="x" * (3 * MAX_RAW_CHARS))

    (row,) = _bundle_rows(indicator)

    assert len(row.raw) == MAX_RAW_CHARS + 1
    assert row.raw.endswith("…")
    assert row.raw.startswith('{"type":"indicator"')


@pytest.mark.parametrize(
    "name", ["indicators.json", "observed-data-20.json", "observed-data-21.json"]
)
def test_accepted_fields_are_exactly_what_core_normalises(name: str) -> None:
    for row in _fixture_rows(name):
        if isinstance(row, Accepted):
            assert dict(Event.from_dict(row.fields)) == row.fields
