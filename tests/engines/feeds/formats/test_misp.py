"""MISP events and feed directories: one row per attribute, mapped by type, tags and category."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cleannet.core.event import Event
from cleannet.engines.feeds.formats.misp import misp_feed_sources, parse_misp_event
from cleannet.engines.feeds.records import (
    MAX_RAW_CHARS,
    Accepted,
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
)
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "misp"
OPTIONS = ParseOptions(feed_name="example-cert-misp", provider="Example CERT")
EVENT_UUID = "5e6b3c1d-8f2a-4b7c-9d0e-1f2a3b4c5d6e"
FEED_EVENTS = ["8f3a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b", "9a4b3c2d-5e6f-4a71-9b8c-0d1e2f3a4b5c"]
MD5 = "44d88612fea8a8f36de82e1278abb02f"
SHA1 = "3395856ce81f2b7382dee72602f798b642f14140"
SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"


def _attribute(
    kind: str = "ip-dst", value: object = "198.51.100.7", **changes: Any
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "type": kind,
        "category": "External analysis",
        "to_ids": True,
        "uuid": "a1b2c3d4-0001-4000-8000-000000000001",
        "timestamp": "1709287200",
        "comment": "",
        "deleted": False,
        "value": value,
    }
    attribute.update(changes)
    return attribute


def _event(*attributes: object, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "uuid": EVENT_UUID,
        "info": "Emotet C2 servers",
        "date": "2024-03-01",
        "timestamp": "1709290800",
        "threat_level_id": "4",
        "Orgc": {"name": "CIRCL"},
        "Tag": [],
        "Attribute": list(attributes),
    }
    event.update(changes)
    return event


def _parse(document: object, options: ParseOptions = OPTIONS) -> list[Row]:
    return list(parse_misp_event(text_source("event.json", json.dumps(document)), options))


def _rows(*attributes: object, options: ParseOptions = OPTIONS, **changes: Any) -> list[Row]:
    return _parse({"Event": _event(*attributes, **changes)}, options)


def _only_fields(rows: list[Row]) -> dict[str, Any]:
    (row,) = rows
    assert isinstance(row, Accepted), row
    return row.fields


def _only_rejection(rows: list[Row]) -> Rejected:
    (row,) = rows
    assert isinstance(row, Rejected), row
    return row


def _fields_of(attribute: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return _only_fields(_rows(attribute, **changes))


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("ip-src", "203.0.113.99", {"source.ip": "203.0.113.99"}),
        ("ip-dst", "198.51.100.7", {"source.ip": "198.51.100.7"}),
        ("ip-dst", "198.51.100.7/32", {"source.ip": "198.51.100.7"}),
        ("ip-src", "203.0.113.0/24", {"source.network": "203.0.113.0/24"}),
        ("ip-src|port", "203.0.113.202|23", {"source.ip": "203.0.113.202", "source.port": 23}),
        ("ip-dst|port", "198.51.100.8|8080", {"source.ip": "198.51.100.8", "source.port": 8080}),
        ("ip-dst|port", "2001:db8::1|443", {"source.ip": "2001:db8::1", "source.port": 443}),
        ("domain", "Cdn-Update.Example", {"source.fqdn": "cdn-update.example"}),
        ("hostname", "mail.bad.example.", {"source.fqdn": "mail.bad.example"}),
        (
            "domain|ip",
            "gate.bad.example|192.0.2.44",
            {"source.fqdn": "gate.bad.example", "source.ip": "192.0.2.44"},
        ),
        (
            "hostname|port",
            "gate.bad.example|8443",
            {"source.fqdn": "gate.bad.example", "source.port": 8443},
        ),
        (
            "url",
            "http://203.0.113.17:8080/bins/mozi.m",
            {"source.url": "http://203.0.113.17:8080/bins/mozi.m", "source.ip": "203.0.113.17"},
        ),
        (
            "uri",
            "https://shop.example/gate.php",
            {"source.url": "https://shop.example/gate.php", "source.fqdn": "shop.example"},
        ),
        ("md5", MD5.upper(), {"malware.hash.md5": MD5}),
        ("sha1", SHA1, {"malware.hash.sha1": SHA1}),
        ("sha256", SHA256, {"malware.hash.sha256": SHA256}),
        (
            "filename|md5",
            f"invoice.doc|{MD5}",
            {"extra.file_name": "invoice.doc", "malware.hash.md5": MD5},
        ),
        ("filename|sha1", f"a.exe|{SHA1}", {"extra.file_name": "a.exe", "malware.hash.sha1": SHA1}),
        (
            "filename|sha256",
            f"odd|name.exe|{SHA256}",
            {"extra.file_name": "odd|name.exe", "malware.hash.sha256": SHA256},
        ),
        (
            "malware-sample",
            f"loader.bin|{MD5}",
            {"extra.file_name": "loader.bin", "malware.hash.md5": MD5},
        ),
        (
            "email-src",
            "Invoice@Billing-VN.Example",
            {"source.account": "Invoice@billing-vn.example"},
        ),
        ("email", "ops@bad.example", {"source.account": "ops@bad.example"}),
        ("email-dst", "accounting@victim.example", {"source.account": "accounting@victim.example"}),
        ("AS", "AS64500", {"source.asn": 64500}),
        ("AS", "64501", {"source.asn": 64501}),
    ],
)
def test_it_maps_each_supported_attribute_type_to_its_event_fields(
    kind: str, value: str, expected: dict[str, Any]
) -> None:
    fields = _fields_of(_attribute(kind, value))

    assert {name: fields.get(name) for name in expected} == expected
    assert fields["extra.misp_type"] == kind
    assert fields["feed.name"] == "example-cert-misp"


@pytest.mark.parametrize("kind", ["text", "comment", "link", "attachment", "mutex", "other"])
def test_it_rejects_an_attribute_type_that_carries_no_observable(kind: str) -> None:
    rejected = _only_rejection(_rows(_attribute(kind, "something")))

    assert rejected.field == "type"
    assert rejected.reason == f"attribute type {kind!r} carries no observable"


def test_it_rejects_a_relative_uri_which_names_no_host() -> None:
    rejected = _only_rejection(_rows(_attribute("uri", "/wp-content/gate.php")))

    assert rejected.field == "observable"


def test_it_accepts_ip_colon_port_written_for_ip_bar_port() -> None:
    fields = _fields_of(_attribute("ip-dst|port", "198.51.100.63:995"))

    assert (fields["source.ip"], fields["source.port"]) == ("198.51.100.63", 995)


@pytest.mark.parametrize("value", ["198.51.100.8", 42, "2001:db8::1"])
def test_it_rejects_a_composite_value_without_its_parts(value: object) -> None:
    rejected = _only_rejection(_rows(_attribute("ip-dst|port", value)))

    assert rejected.field == "value"
    assert "ip-dst|port" in rejected.reason


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("ip-dst", "198.51.100.256", "source.ip"),
        ("ip-dst|port", "198.51.100.8|99999", "source.port"),
        ("domain", "bad domain.example", "source.fqdn"),
        ("md5", "not-a-hash", "malware.hash.md5"),
        ("email-src", "no-at-sign", "source.account"),
        ("AS", "AS0", "source.asn"),
    ],
)
def test_it_rejects_a_bad_value_naming_the_event_field(kind: str, value: str, field: str) -> None:
    assert _only_rejection(_rows(_attribute(kind, value))).field == field


@pytest.mark.parametrize(
    ("to_ids", "expected"), [(True, True), (False, False), ("1", True), ("0", False)]
)
def test_it_accepts_an_attribute_whatever_its_to_ids_and_records_the_flag(
    to_ids: object, expected: bool
) -> None:
    assert _fields_of(_attribute(to_ids=to_ids))["extra.to_ids"] is expected


@pytest.mark.parametrize(
    ("attribute_changes", "event_changes", "expected"),
    [
        (
            {"first_seen": "2024-02-28T22:10:00.000000+00:00"},
            {},
            datetime(2024, 2, 28, 22, 10, tzinfo=UTC),
        ),
        ({"first_seen": None}, {}, datetime(2024, 3, 1, 10, 0, tzinfo=UTC)),
        ({"timestamp": 1709287200}, {}, datetime(2024, 3, 1, 10, 0, tzinfo=UTC)),
        ({"timestamp": None}, {}, datetime(2024, 3, 1, tzinfo=UTC)),
        ({"timestamp": ""}, {"date": None}, datetime(2024, 3, 1, 11, 0, tzinfo=UTC)),
    ],
    ids=["first_seen", "epoch text", "epoch number", "event date", "event timestamp"],
)
def test_it_takes_the_time_from_first_seen_then_timestamp_then_the_event(
    attribute_changes: dict[str, Any], event_changes: dict[str, Any], expected: datetime
) -> None:
    fields = _fields_of(_attribute(**attribute_changes), **event_changes)

    assert fields["time.source"] == expected


def test_it_rejects_an_attribute_with_no_time_anywhere() -> None:
    rows = _rows(_attribute(timestamp=None), date=None, timestamp=None)

    assert _only_rejection(rows).field == "time.source"


def _tag(name: str) -> dict[str, str]:
    return {"name": name, "colour": "#000000"}


@pytest.mark.parametrize(
    ("attribute_changes", "event_tags", "expected"),
    [
        ({"Tag": [_tag('rsit:fraud="phishing"')]}, ['rsit:malicious-code="c2-server"'], "phishing"),
        ({}, ['rsit:malicious-code="c2-server"'], "c2-server"),
        ({}, ['ecsirt:malicious-code="c&c"'], "c2-server"),
        ({}, ['ecsirt:information-gathering="scanner"'], "scanner"),
        ({}, ['rsit:malicious-code="no-such-type"'], "undetermined"),
        ({"type": "sha256", "value": SHA256, "category": "Network activity"}, [], "malware"),
        ({"category": "Network activity"}, [], "c2-server"),
        ({"category": "Payload delivery"}, [], "malware-distribution"),
        (
            {"type": "url", "value": "http://x.example/a", "category": "Payload delivery"},
            [],
            "malware-distribution",
        ),
        (
            {"type": "ip-src", "value": "203.0.113.9", "category": "Network activity"},
            [],
            "undetermined",
        ),
        ({"category": "Other"}, [], "undetermined"),
    ],
)
def test_it_classifies_an_attribute_by_tags_then_type_and_category(
    attribute_changes: dict[str, Any], event_tags: list[str], expected: str
) -> None:
    attribute = _attribute(**attribute_changes)

    fields = _fields_of(attribute, Tag=[_tag(name) for name in event_tags])

    assert fields["classification.type"] == expected


def test_it_falls_back_to_the_feeds_classification() -> None:
    options = ParseOptions(feed_name="f", classification_type="blacklist")

    fields = _only_fields(_rows(_attribute(category="Other"), options=options))

    assert fields["classification.type"] == "blacklist"


@pytest.mark.parametrize(
    ("attribute_tags", "event_changes", "expected"),
    [
        ([], {"Tag": [_tag('misp-galaxy:malpedia="Emotet"')]}, "emotet"),
        ([], {"Tag": [_tag('misp-galaxy:mitre-malware="QakBot - S0650"')]}, "qakbot"),
        ([], {"Tag": [_tag('misp-galaxy:ransomware="LockBit"')]}, "lockbit"),
        (
            [],
            {
                "Galaxy": [
                    {
                        "type": "botnet",
                        "GalaxyCluster": [
                            {"value": "Mirai", "tag_name": 'misp-galaxy:botnet="Mirai"'}
                        ],
                    }
                ]
            },
            "mirai",
        ),
        (
            [_tag('misp-galaxy:malpedia="IcedID"')],
            {"Tag": [_tag('misp-galaxy:malpedia="Emotet"')]},
            "icedid",
        ),
        ([], {"Tag": [_tag('misp-galaxy:threat-actor="APT32"')]}, None),
    ],
)
def test_it_names_the_malware_family_from_galaxy_tags(
    attribute_tags: list[dict[str, str]], event_changes: dict[str, Any], expected: str | None
) -> None:
    fields = _fields_of(_attribute(Tag=attribute_tags), **event_changes)

    assert fields.get("malware.name") == expected


@pytest.mark.parametrize(
    ("attribute_tags", "event_tags", "options_tlp", "expected"),
    [
        ([], ["tlp:amber"], "", "AMBER"),
        (["tlp:green"], ["tlp:amber"], "", "GREEN"),
        (["tlp:green", "tlp:red"], [], "", "RED"),
        ([], ["TLP:AMBER+STRICT"], "", "AMBER+STRICT"),
        ([], ["tlp:clear"], "", "CLEAR"),
        ([], ["tlp:ex:chr"], "", None),
        ([], [], "green", "GREEN"),
    ],
)
def test_it_reads_tlp_from_the_attribute_then_the_event_then_the_feed(
    attribute_tags: list[str], event_tags: list[str], options_tlp: str, expected: str | None
) -> None:
    attribute = _attribute(Tag=[_tag(name) for name in attribute_tags])
    options = ParseOptions(feed_name="f", tlp=options_tlp)

    fields = _only_fields(
        _rows(attribute, Tag=[_tag(name) for name in event_tags], options=options)
    )

    assert fields.get("tlp") == expected


@pytest.mark.parametrize(
    ("level", "expected"), [("1", "high"), (2, "medium"), ("3", "low"), ("4", None)]
)
def test_it_sets_severity_from_the_threat_level(level: object, expected: str | None) -> None:
    assert _fields_of(_attribute(), threat_level_id=level).get("severity") == expected


def test_it_keeps_the_misp_identities_description_and_comment() -> None:
    fields = _fields_of(_attribute(comment="C2 tier 1", category="Network activity"))

    assert fields["misp.event_uuid"] == EVENT_UUID
    assert fields["misp.attribute_uuid"] == "a1b2c3d4-0001-4000-8000-000000000001"
    assert fields["event_description.text"] == "Emotet C2 servers"
    assert fields["comment"] == "C2 tier 1"
    assert fields["extra.misp_category"] == "Network activity"
    assert fields["extra.misp_org"] == "CIRCL"


def test_it_reads_the_attributes_of_misp_objects_after_the_events_own() -> None:
    held = _attribute("domain", "gate.bad.example", object_relation="domain")
    misp_object = {"name": "domain-ip", "Attribute": [held]}

    first, second = _rows(_attribute(), Object=[misp_object])

    assert isinstance(first, Accepted)
    assert isinstance(second, Accepted)
    assert second.row == 2
    assert second.fields["extra.misp_object"] == "domain-ip"
    assert second.fields["extra.misp_object_relation"] == "domain"
    assert "extra.misp_object" not in first.fields


def test_descriptive_text_of_the_wrong_type_is_dropped_not_rejected() -> None:
    fields = _fields_of(_attribute(comment=17), info=["not", "text"])

    assert "comment" not in fields
    assert "event_description.text" not in fields
    assert fields["source.ip"] == "198.51.100.7"


@pytest.mark.parametrize("deleted", [True, "1"])
def test_it_rejects_a_deleted_attribute(deleted: object) -> None:
    assert _only_rejection(_rows(_attribute(deleted=deleted))).field == "deleted"


def test_it_rejects_an_attribute_that_is_not_an_object() -> None:
    rejected = _only_rejection(_rows("198.51.100.7"))

    assert rejected.reason == "the attribute is not a JSON object"


@pytest.mark.parametrize(
    "document",
    [
        {"Event": _event(_attribute())},
        _event(_attribute()),
        [{"Event": _event(_attribute())}],
        {"response": [{"Event": _event(_attribute())}]},
        {"response": {"Attribute": [_attribute()]}},
    ],
    ids=["wrapped", "bare", "list", "search response", "attribute search"],
)
def test_it_reads_every_shape_an_event_comes_in(document: object) -> None:
    rows = _parse(document, ParseOptions(feed_name="f"))

    assert _only_fields(rows)["source.ip"] == "198.51.100.7"


def test_it_numbers_rows_across_events_and_rejects_a_list_item_that_is_no_event() -> None:
    document = {
        "response": [
            {"Event": _event(_attribute(), _attribute("text", "note"))},
            "not an event",
            {"Event": _event(_attribute("domain", "bad.example"))},
        ]
    }

    rows = _parse(document)

    assert [(row.row, type(row).__name__) for row in rows] == [
        (1, "Accepted"),
        (2, "Rejected"),
        (3, "Rejected"),
        (4, "Accepted"),
    ]
    assert isinstance(rows[2], Rejected)
    assert rows[2].reason == "item 2 is not a MISP event"


def test_the_event_fixture_reconciles_one_row_per_attribute() -> None:
    (source,) = open_sources(FIXTURES / "event.json")
    document = json.loads((FIXTURES / "event.json").read_text(encoding="utf-8"))["Event"]
    attributes = len(document["Attribute"]) + sum(
        len(misp_object["Attribute"]) for misp_object in document["Object"]
    )

    rows = list(parse_misp_event(source, OPTIONS))

    accepted = [row for row in rows if isinstance(row, Accepted)]
    rejected = [row for row in rows if isinstance(row, Rejected)]
    assert [row.row for row in rows] == list(range(1, attributes + 1))
    assert (attributes, len(accepted), len(rejected)) == (14, 11, 3)
    assert [(row.row, row.field) for row in rejected] == [
        (8, "type"),
        (10, "source.ip"),
        (14, "type"),
    ]
    assert {row.fields["tlp"] for row in accepted} == {"AMBER", "GREEN"}
    assert {row.fields["malware.name"] for row in accepted} == {"emotet"}


def test_the_search_response_fixture_reads_ecsirt_and_rsit_event_tags() -> None:
    (source,) = open_sources(FIXTURES / "search-response.json")

    rows = list(parse_misp_event(source, OPTIONS))

    assert [row.fields["classification.type"] for row in rows if isinstance(row, Accepted)] == [
        "scanner",
        "scanner",
        "phishing",
    ]


def test_a_bom_prefixed_event_is_read() -> None:
    text = "\ufeff" + json.dumps({"Event": _event(_attribute())})

    rows = list(parse_misp_event(text_source("bom.json", text), OPTIONS))

    assert _only_fields(rows)["source.ip"] == "198.51.100.7"


def test_an_event_without_attributes_yields_nothing() -> None:
    assert _parse({"Event": _event()}) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"Event": {', "is not JSON"),
        ("  \n", "is empty"),
        ('{"hello": "world"}', "is not a MISP event"),
        ("42", "is not a MISP event"),
    ],
)
def test_an_unusable_document_raises_a_feed_format_error_naming_the_source(
    text: str, reason: str
) -> None:
    with pytest.raises(FeedFormatError) as caught:
        list(parse_misp_event(text_source("misp-2024-03-01.json", text), OPTIONS))

    assert caught.value.source == "misp-2024-03-01.json"
    assert reason in caught.value.reason


def test_raw_is_the_attributes_json_clipped_to_the_evidence_limit() -> None:
    (row,) = _rows(_attribute(comment="x" * (2 * MAX_RAW_CHARS)))

    assert len(row.raw) == MAX_RAW_CHARS + 1
    assert row.raw.endswith("…")
    assert row.raw.startswith('{"type":"ip-dst"')


def test_accepted_fields_are_exactly_what_core_normalises() -> None:
    (source,) = open_sources(FIXTURES / "event.json")

    for row in parse_misp_event(source, OPTIONS):
        if isinstance(row, Accepted):
            assert dict(Event.from_dict(row.fields)) == row.fields


def test_a_feed_directory_gives_one_source_per_manifest_event_in_order() -> None:
    sources = list(misp_feed_sources(FIXTURES / "feed"))

    assert [source.name for source in sources] == [f"feed/{uuid}.json" for uuid in FEED_EVENTS]
    first, second = (list(parse_misp_event(source, OPTIONS)) for source in sources)
    assert [row.fields["source.port"] for row in first if isinstance(row, Accepted)] == [
        443,
        2222,
        995,
    ]
    assert {row.fields["malware.name"] for row in first if isinstance(row, Accepted)} == {"qakbot"}
    assert [type(row).__name__ for row in second] == ["Accepted", "Accepted", "Rejected"]


def _feed_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "feed", tmp_path / "feed"))


def _add_to_manifest(directory: Path, key: str) -> None:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    manifest[key] = {"info": "added by the test"}
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_listed_event_that_is_missing_fails_alone(tmp_path: Path) -> None:
    directory = _feed_copy(tmp_path)
    missing = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    _add_to_manifest(directory, missing)

    *present, absent = misp_feed_sources(directory)

    assert all(list(parse_misp_event(source, OPTIONS)) for source in present)
    with pytest.raises(FeedFormatError) as caught:
        list(parse_misp_event(absent, OPTIONS))
    assert caught.value.source == f"feed/{missing}.json"
    assert "not in the directory" in caught.value.reason


def test_a_manifest_key_that_is_not_a_uuid_never_becomes_a_path(tmp_path: Path) -> None:
    directory = _feed_copy(tmp_path)
    (tmp_path / "secret.json").write_text('{"Event": {}}', encoding="utf-8")
    _add_to_manifest(directory, "../secret")

    *_, outside = misp_feed_sources(directory)

    with pytest.raises(FeedFormatError, match="not an event UUID"):
        outside.read_text()


def test_an_event_file_linking_outside_the_directory_is_refused(tmp_path: Path) -> None:
    directory = _feed_copy(tmp_path)
    uuid = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    (tmp_path / "elsewhere.json").write_text('{"Event": {}}', encoding="utf-8")
    (directory / f"{uuid}.json").symlink_to(tmp_path / "elsewhere.json")
    _add_to_manifest(directory, uuid)

    *_, linked = misp_feed_sources(directory)

    with pytest.raises(FeedFormatError, match="outside the feed directory"):
        linked.read_text()


def test_files_the_manifest_does_not_list_are_ignored(tmp_path: Path) -> None:
    directory = _feed_copy(tmp_path)
    (directory / "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.json").write_text("{}", encoding="utf-8")

    assert len(list(misp_feed_sources(directory))) == len(FEED_EVENTS)


def test_a_bom_prefixed_event_file_in_a_feed_is_read(tmp_path: Path) -> None:
    directory = _feed_copy(tmp_path)
    path = directory / f"{FEED_EVENTS[0]}.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    rows = list(parse_misp_event(next(misp_feed_sources(directory)), OPTIONS))

    assert len(rows) == 3


@pytest.mark.parametrize(
    ("manifest", "reason"),
    [(None, "is missing"), ("[1, 2]", "not an object keyed by event UUID"), ("{", "is not JSON")],
)
def test_an_unusable_manifest_raises_a_feed_format_error(
    tmp_path: Path, manifest: str | None, reason: str
) -> None:
    directory = _feed_copy(tmp_path)
    if manifest is None:
        (directory / "manifest.json").unlink()
    else:
        (directory / "manifest.json").write_text(manifest, encoding="utf-8")

    with pytest.raises(FeedFormatError) as caught:
        list(misp_feed_sources(directory))

    assert "manifest.json" in caught.value.source
    assert reason in caught.value.reason
