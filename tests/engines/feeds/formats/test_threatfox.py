"""ThreatFox CSV export: IOCs of every type in, events and rejected rows out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cleannet.core.event import Event
from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.formats import threatfox
from cleannet.engines.feeds.records import Accepted, ParseOptions, Rejected, Row
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "threatfox"
FEED: dict[str, FieldValue] = {"feed.name": "threatfox-recent", "feed.provider": "abuse.ch"}
C2: dict[str, FieldValue] = {
    "classification.type": "c2-server",
    "classification.taxonomy": "malicious-code",
    "extra.threat_type": "botnet_cc",
}
DELIVERY: dict[str, FieldValue] = {
    "classification.type": "malware-distribution",
    "classification.taxonomy": "malicious-code",
    "extra.threat_type": "payload_delivery",
}
PAYLOAD: dict[str, FieldValue] = {
    "classification.type": "malware",
    "classification.taxonomy": "other",
    "extra.threat_type": "payload",
}


def _options(**changes: Any) -> ParseOptions:
    values: dict[str, Any] = {"feed_name": "threatfox-recent", "provider": "abuse.ch"}
    values.update(changes)
    return ParseOptions(**values)


def _parse(name: str, options: ParseOptions | None = None) -> list[Row]:
    [source] = open_sources(FIXTURES / name)
    return list(threatfox.parse(source, options or _options()))


def _accepted(rows: list[Row]) -> dict[int, dict[str, FieldValue]]:
    return {row.row: row.fields for row in rows if isinstance(row, Accepted)}


def _rejected(rows: list[Row]) -> dict[int, str | None]:
    return {row.row: row.field for row in rows if isinstance(row, Rejected)}


def _ioc(
    ioc_id: int, first_seen: str, kind: dict[str, FieldValue], **fields: Any
) -> dict[str, Any]:
    return {
        **FEED,
        **kind,
        "time.source": datetime.fromisoformat(first_seen).replace(tzinfo=UTC),
        "extra.threatfox_id": str(ioc_id),
        "extra.is_compromised": False,
        **{name.replace("__", "."): value for name, value in fields.items()},
    }


EXPECTED_RECENT: dict[int, dict[str, Any]] = {
    10: _ioc(
        1844853, "2026-07-04 21:46:30", C2,
        source__ip="64.227.143.36", source__port=5555, malware__name="cobalt strike",
        extra__malpedia="win.cobalt_strike",
        extra__malware_alias=["Agentemis", "BEACON", "CobaltStrike", "cobeacon"],
        extra__last_seen="2026-07-04 22:46:23", extra__confidence=75,
        extra__tags=["CobaltStrike", "drb-ra"], extra__reporter="abuse_ch",
    ),
    11: _ioc(
        1844852, "2026-07-04 21:40:02", DELIVERY,
        source__fqdn="update-cdn.example", malware__name="agent tesla",
        extra__malpedia="win.agent_tesla",
        extra__malware_alias=["AgenTesla", "AgentTesla", "Negasteal"], extra__confidence=50,
        extra__reference="https://blog.example/agent-tesla-wave", extra__tags=["AgentTesla"],
        extra__reporter="reporter_one",
    ),
    12: _ioc(
        1844851, "2026-07-04 21:35:59", DELIVERY,
        source__url="http://203.0.113.77/x/bin.exe", source__ip="203.0.113.77",
        malware__name="mirai", extra__malpedia="elf.mirai", extra__malware_alias=["Katana"],
        extra__confidence=100, extra__is_compromised=True, extra__tags=["elf", "mirai"],
        extra__reporter="anonymous",
    ),
    13: _ioc(
        1844850, "2026-07-04 21:30:00", PAYLOAD,
        malware__hash__sha256="0f3c9a5e1b2d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a",
        extra__malpedia="unknown", extra__confidence=50, extra__tags=["exe"],
        extra__reporter="reporter_two",
    ),
    14: _ioc(
        1844849, "2026-07-04 21:29:00", PAYLOAD,
        malware__hash__md5="44d88612fea8a8f36de82e1278abb02f", malware__name="emotet",
        extra__malpedia="win.emotet", extra__malware_alias=["Geodo", "Heodo"],
        extra__confidence=75, extra__tags=["Heodo"], extra__reporter="reporter_two",
    ),
    15: _ioc(
        1844848, "2026-07-04 21:20:11", C2,
        source__ip="2001:db8::7", source__port=443, malware__name="sliver",
        extra__malpedia="win.sliver", extra__confidence=90, extra__reporter="reporter_one",
    ),
    16: _ioc(
        1844847, "2026-07-04 21:15:00", C2,
        source__fqdn="xn--bcher-update-dlb.example", malware__name="remcos",
        extra__malpedia="win.remcos", extra__malware_alias=["RemcosRAT"], extra__confidence=50,
        extra__tags=["RAT"], extra__reporter="reporter_one",
    ),
}  # fmt: skip

EXPECTED_RECENT_REJECTS: dict[int, str | None] = {
    17: "ioc_type",  # sha3_384_hash
    18: "source.ip",  # 999.1.1.1:80
    19: "extra.reporter",  # =cmd|' /C calc'!A0
    20: None,  # one field more than the header
    21: None,  # the truncated last line
}


def test_it_turns_each_ioc_type_into_the_expected_event() -> None:
    assert _accepted(_parse("recent.csv")) == EXPECTED_RECENT


def test_it_rejects_the_awkward_rows_naming_the_field() -> None:
    rows = _parse("recent.csv")

    assert _rejected(rows) == EXPECTED_RECENT_REJECTS
    reasons = {row.row: row.reason for row in rows if isinstance(row, Rejected)}
    assert "sha256_hash" in reasons[17]


def test_it_yields_one_row_per_record_in_input_order() -> None:
    rows = _parse("recent.csv")

    assert [row.row for row in rows] == list(range(10, 22))
    assert len(_accepted(rows)) + len(_rejected(rows)) == 12


def test_its_accepted_fields_are_what_core_builds_from_them() -> None:
    for fields in _accepted(_parse("recent.csv")).values():
        assert Event.from_dict(fields) == fields


def test_it_gives_the_same_rows_for_the_same_input() -> None:
    assert _parse("recent.csv") == _parse("recent.csv")


def test_it_leaves_the_unknown_malware_placeholder_unnamed() -> None:
    fields = _accepted(_parse("recent.csv"))[13]

    assert "malware.name" not in fields
    assert fields["extra.malpedia"] == "unknown"


def test_it_keeps_confidence_apart_from_the_feeds_accuracy() -> None:
    fields = _accepted(_parse("recent.csv", _options(accuracy=80)))[10]

    assert fields["feed.accuracy"] == 80.0
    assert fields["extra.confidence"] == 75


def test_it_reads_the_older_export_without_is_compromised() -> None:
    options = _options()
    rows = _parse("older_14_columns.csv", options)

    accepted = _accepted(rows)
    assert accepted[7]["source.ip"] == "198.51.100.9"
    assert accepted[7]["source.port"] == 443
    assert "extra.is_compromised" not in accepted[7]
    assert accepted[8]["source.url"] == "http://invoice-portal.example/inv.zip"
    assert accepted[8]["source.fqdn"] == "invoice-portal.example"
    assert accepted[8]["extra.last_seen"] == "2023-02-01 10:00:00"
    assert _rejected(rows) == {}
    assert options.unknown_columns == []


def test_it_leaves_an_unknown_threat_type_to_the_feed_default() -> None:
    text = (
        '# "first_seen_utc","ioc_value","ioc_type","threat_type","new_column"\n'
        '"2026-07-04 10:00:00", "c2.evil.example", "domain", "cc_skimming", "x"\n'
    )
    with_default = _options(classification_type="other")

    [kept] = threatfox.parse(text_source("tf.csv", text), with_default)
    [refused] = threatfox.parse(text_source("tf.csv", text), _options())

    assert isinstance(kept, Accepted)
    assert kept.fields["classification.type"] == "other"
    assert kept.fields["extra.threat_type"] == "cc_skimming"
    assert with_default.unknown_columns == ["new_column"]
    assert isinstance(refused, Rejected)
    assert refused.field == "classification.type"


def test_it_rejects_an_ip_port_without_a_port() -> None:
    text = (
        '# "first_seen_utc","ioc_value","ioc_type","threat_type"\n'
        '"2026-07-04 10:00:00", "192.0.2.80", "ip:port", "botnet_cc"\n'
    )

    [row] = threatfox.parse(text_source("tf.csv", text), _options())

    assert isinstance(row, Rejected)
    assert row.field == "source.port"
