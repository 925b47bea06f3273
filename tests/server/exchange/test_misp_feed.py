import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from pymisp import MISPEvent

from cleannet.server.exchange.services import export_misp_feed
from cleannet.server.intel import services

pytestmark = pytest.mark.django_db


def _event_files(directory: Path) -> dict[str, dict]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))["Event"]
        for path in directory.glob("*.json")
        if path.name != "manifest.json"
    }


def _hashes(directory: Path) -> list[tuple[str, str]]:
    with (directory / "hashes.csv").open(encoding="utf-8") as lines:
        return [(digest, event_uuid) for digest, event_uuid in csv.reader(lines)]


def test_it_writes_one_misp_event_per_owner_per_day(tmp_path, personas, world) -> None:
    summary = export_misp_feed(personas.isp_org, tmp_path)
    events = _event_files(tmp_path)
    assert sorted(e["date"] for e in events.values()) == ["2026-03-01", "2026-03-02"]
    assert summary.misp_events == 2 and summary.events_read == 3
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest) == set(events)
    for event_uuid, event in events.items():
        assert event["uuid"] == event_uuid
        assert manifest[event_uuid]["Orgc"] == event["Orgc"]
        assert "Song Hong Net" in manifest[event_uuid]["info"]


def test_it_writes_a_feed_pymisp_reads_back_to_the_same_manifest_and_hashes(
    tmp_path, personas, world
) -> None:
    export_misp_feed(None, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    expected_hashes = set()
    for path in tmp_path.glob("*-*.json"):
        misp = MISPEvent()
        misp.load_file(str(path))
        (uuid, meta), *_ = misp.manifest.items()
        ours = manifest[uuid]
        assert {k: str(v) for k, v in meta.items() if k not in ("Orgc", "Tag")} == {
            k: str(v) for k, v in ours.items() if k not in ("Orgc", "Tag")
        }
        assert [t["name"] for t in meta["Tag"]] == [t["name"] for t in ours["Tag"]]
        expected_hashes |= {(h, uuid) for h in misp.attributes_hashes("md5")}
    assert set(_hashes(tmp_path)) == expected_hashes
    assert len(_hashes(tmp_path)) == len(expected_hashes)


def _attributes(directory: Path) -> dict[str, dict]:
    return {
        attribute["value"]: attribute
        for event in _event_files(directory).values()
        for attribute in event["Attribute"]
    }


def test_it_sets_to_ids_only_on_values_that_are_indicators(tmp_path, personas, world) -> None:
    export_misp_feed(personas.isp_org, tmp_path)
    attributes = _attributes(tmp_path)
    assert attributes["203.0.113.9"]["to_ids"] is True  # also a stored indicator
    assert attributes["203.0.113.1"]["to_ids"] is False  # an infected customer
    assert attributes["203.0.113.1"]["type"] == "ip-src"
    assert attributes["a" * 64]["type"] == "sha256"
    assert attributes["2001:db8:a::3"]["category"] == "Network activity"


def test_it_tags_events_and_attributes_with_tlp_and_rsit(tmp_path, personas, world) -> None:
    export_misp_feed(personas.isp_org, tmp_path)
    tags = {t["name"] for e in _event_files(tmp_path).values() for t in e["Tag"]}
    assert {"tlp:amber", 'rsit:malicious-code="infected-system"'} <= tags
    attribute_tags = {t["name"] for t in _attributes(tmp_path)["203.0.113.9"]["Tag"]}
    assert attribute_tags == {"tlp:amber", 'rsit:malicious-code="malware-distribution"'}


def test_it_brings_a_feed_up_to_date_without_losing_other_days(
    tmp_path, personas, world, make_event
) -> None:
    export_misp_feed(personas.isp_org, tmp_path)
    before = _event_files(tmp_path)
    second_day = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    services.record_events(None, [make_event(source_ip="203.0.113.77", time_source=second_day)])
    export_misp_feed(personas.isp_org, tmp_path, since=second_day)
    after = _event_files(tmp_path)
    assert set(after) == set(before)
    assert len(json.loads((tmp_path / "manifest.json").read_text())) == 2
    first_day = next(u for u, e in before.items() if e["date"] == "2026-03-01")
    assert after[first_day] == before[first_day]
    assert "203.0.113.77" in _attributes(tmp_path)
    hashes = _hashes(tmp_path)
    assert len(hashes) == len(set(hashes)) == sum(len(e["Attribute"]) for e in after.values())


def test_it_gives_the_same_uuids_on_every_export(tmp_path, personas, world) -> None:
    export_misp_feed(personas.isp_org, tmp_path / "a")
    export_misp_feed(personas.isp_org, tmp_path / "b")
    assert _event_files(tmp_path / "a") == _event_files(tmp_path / "b")
