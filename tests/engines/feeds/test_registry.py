"""The feed registry: the packaged feeds, and every refusal naming the feed and the key."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from huey import crontab

from cleannet.engines.feeds.formats import FORMATS
from cleannet.engines.feeds.registry import DEFAULT_REGISTRY, RegistryError, load_registry
from cleannet.engines.feeds.schedule import cron_fields

GOOD: dict[str, Any] = {
    "name": "partner-list",
    "provider": "Partner CERT",
    "format": "feodo",
    "url": "https://feeds.partner.example/ipblocklist.csv",
    "schedule": "*/15 * * * *",
    "tlp": "AMBER",
    "accuracy": 90,
    "classification_type": "c2-server",
    "documentation": "https://partner.example/feeds",
}


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _registry(tmp_path: Path, *feeds: dict[str, Any]) -> Path:
    tables = [
        "[[feed]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in feed.items())
        for feed in feeds
    ]
    path = tmp_path / "feeds.toml"
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


def _feed(*drop: str, **changes: Any) -> dict[str, Any]:
    return {k: v for k, v in {**GOOD, **changes}.items() if k not in drop}


def _refusal(tmp_path: Path, feed: dict[str, Any]) -> RegistryError:
    with pytest.raises(RegistryError) as caught:
        load_registry(_registry(tmp_path, feed))
    return caught.value


# --- The packaged registry ------------------------------------------------------------


def test_it_declares_the_real_public_feeds_with_their_urls() -> None:
    urls = {entry.name: entry.url for entry in load_registry()}

    assert urls["urlhaus-recent"] == "https://urlhaus.abuse.ch/downloads/csv_recent/"
    assert urls["threatfox-recent"] == "https://threatfox.abuse.ch/export/csv/recent/"
    assert urls["feodo-ipblocklist"] == "https://feodotracker.abuse.ch/downloads/ipblocklist.csv"
    assert urls["feodo-ipblocklist-json"] == (
        "https://feodotracker.abuse.ch/downloads/ipblocklist.json"
    )
    assert urls["malwarebazaar-recent"] == "https://bazaar.abuse.ch/export/csv/recent/"


def test_it_leaves_the_internet_feeds_off_and_the_local_demo_feed_on() -> None:
    registry = load_registry()

    assert not [entry.name for entry in registry if entry.url and entry.enabled]
    demo = registry.feed("demo-c2-blocklist")
    assert demo.enabled
    assert demo.local_path is not None
    assert demo.local_path.is_file()
    assert registry.feed("shadowserver-reports").path  # a drop directory, not a URL


def test_every_packaged_schedule_is_a_valid_huey_crontab() -> None:
    for entry in load_registry():
        fields = entry.crontab_fields()
        assert fields is not None, entry.name
        crontab(**fields, strict=True)


def test_it_gives_the_parsers_the_feed_defaults() -> None:
    entry = load_registry().feed("urlhaus-recent")

    options = entry.parse_options("csv_recent")

    assert (options.source_name, options.feed_name, options.provider) == (
        "csv_recent",
        "urlhaus-recent",
        "abuse.ch",
    )
    assert (options.tlp, options.accuracy) == ("CLEAR", 90)
    assert options.classification_type == "malware-distribution"


def test_the_packaged_registry_is_the_default() -> None:
    assert load_registry().source == DEFAULT_REGISTRY.resolve()


# --- A registry of one's own -----------------------------------------------------------


def test_it_loads_a_valid_entry_with_normalised_values(tmp_path: Path) -> None:
    path = _registry(tmp_path, _feed(tlp="tlp:white", classification_type="C&C", enabled=False))

    entry = load_registry(path).feed("partner-list")

    assert (entry.tlp, entry.classification_type, entry.enabled) == ("CLEAR", "c2-server", False)
    assert entry.crontab_fields() == {
        "minute": "*/15",
        "hour": "*",
        "day": "*",
        "month": "*",
        "day_of_week": "*",
    }


def test_it_takes_relative_paths_from_the_registry_directory(tmp_path: Path) -> None:
    path = _registry(tmp_path, _feed("url", path="drop/partner", schedule="manual"))

    entry = load_registry(path).feed("partner-list")

    assert entry.local_path == tmp_path.resolve() / "drop" / "partner"
    assert entry.is_manual
    assert entry.crontab_fields() is None


def test_it_refuses_an_unknown_key_naming_the_feed_and_the_key(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _feed(scheduel="0 * * * *"))

    assert (error.feed, error.key) == ("partner-list", "scheduel")
    assert "is not a registry key" in str(error)
    assert "feeds.toml: feed 'partner-list', scheduel" in str(error)


@pytest.mark.parametrize("key", ["name", "provider", "format", "schedule", "tlp", "accuracy"])
def test_it_requires_the_main_keys(key: str, tmp_path: Path) -> None:
    error = _refusal(tmp_path, _feed(key))

    assert (error.key, error.reason) == (key, "is required")


@pytest.mark.parametrize(
    ("schedule", "reason"),
    [
        ("0 25 * * *", "field hour ('25'): '25' is outside 0–23"),
        ("*/15 * * *", "has 4 fields"),
        ("0 0 * JAN *", "field month ('JAN'): 'JAN' is not *, N, N-M, N-M/S or */S"),
        ("0 0 * * */2", "field day_of_week ('*/2'): */S is not supported"),
        ("*/0 * * * *", "has a step of 0"),
        ("0 0 0 * *", "field day ('0'): '0' is outside 1–31"),
        ("@daily", "has 1 fields"),
    ],
)
def test_it_refuses_a_bad_crontab_naming_the_field(
    schedule: str, reason: str, tmp_path: Path
) -> None:
    error = _refusal(tmp_path, _feed(schedule=schedule))

    assert error.key == "schedule"
    assert reason in error.reason


@pytest.mark.parametrize("schedule", ["0 6 * * *", "5,35 */2 1-15 1-12/3 1-5", "0 0 * * 7"])
def test_its_crontab_check_accepts_what_huey_accepts(schedule: str) -> None:
    crontab(**cron_fields(schedule), strict=True)


@pytest.mark.parametrize(
    "fields", ["0 25 * * *", "0 0 * JAN *", "0 0 * * */2", "*/0 * * * *", "0 0 0 * *", "0 0 * 13 *"]
)
def test_its_crontab_check_refuses_what_huey_refuses(fields: str) -> None:
    names = ("minute", "hour", "day", "month", "day_of_week")
    with pytest.raises(ValueError, match=r"."):
        crontab(**dict(zip(names, fields.split(), strict=True)), strict=True)
    with pytest.raises(ValueError, match="field"):
        cron_fields(fields)


def test_it_refuses_an_unknown_format_listing_the_known_ones(tmp_path: Path) -> None:
    error = _refusal(tmp_path, _feed(format="excel"))

    assert error.key == "format"
    assert all(name in error.reason for name in FORMATS)


@pytest.mark.parametrize(
    ("changes", "drop", "key", "reason"),
    [
        ({"path": "x.csv"}, (), "url", "give exactly one of url"),
        ({}, ("url",), "url", "give exactly one of url"),
        ({"url": "ftp://feeds.example/x"}, (), "url", "is not an http(s) URL"),
        ({"documentation": "partner.example"}, (), "documentation", "is not an http(s) URL"),
        ({"accuracy": 101}, (), "accuracy", "is not a whole number from 0 to 100"),
        ({"accuracy": True}, (), "accuracy", "is not a whole number from 0 to 100"),
        ({"tlp": "PURPLE"}, (), "tlp", "is not one of CLEAR, GREEN, AMBER"),
        ({"classification_type": "evil"}, (), "classification_type", "evil"),
        ({"name": "Partner List"}, (), "name", "lower-case letters, digits and hyphens"),
        ({"enabled": "yes"}, (), "enabled", "is not true or false"),
        ({"encoding": "klingon"}, (), "encoding", "is not a known text encoding"),
        ({"column_map": {"ip": "source.ip"}}, (), "column_map", "csv and list formats"),
        ({"variant": "scan_http"}, (), "variant", "only by the shadowserver format"),
        (
            {"format": "shadowserver", "variant": "scan_nothing"},
            (),
            "variant",
            "not a Shadowserver",
        ),
        ({"format": "csv"}, (), "column_map", "is required by the csv format"),
        ({"format": "csv", "column_map": {"ip": "source.ipp"}}, (), "column_map", "no event field"),
        ({"format": "list", "column_map": {"kind": "planet"}}, (), "column_map", "kind = one of"),
    ],
)
def test_it_refuses_a_bad_value_naming_the_key(
    changes: dict[str, Any], drop: tuple[str, ...], key: str, reason: str, tmp_path: Path
) -> None:
    error = _refusal(tmp_path, _feed(*drop, **changes))

    assert error.key == key
    assert reason in error.reason


def test_it_accepts_the_options_a_format_reads(tmp_path: Path) -> None:
    feeds = [
        _feed(name="s", format="shadowserver", variant="event4_sinkhole"),
        _feed(name="c", format="csv", column_map={"ip": "source.ip", "seen": "time.source"}),
        _feed(name="l", format="list", column_map={"kind": "domain"}, encoding="cp1252"),
    ]

    registry = load_registry(_registry(tmp_path, *feeds))

    assert registry.names() == ["s", "c", "l"]
    assert registry.feed("c").parse_options().column_map == {
        "ip": "source.ip",
        "seen": "time.source",
    }


def test_it_refuses_two_feeds_with_one_name(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="feed 'partner-list', name: is used by two feeds"):
        load_registry(_registry(tmp_path, _feed(), _feed()))


def test_it_names_the_file_when_it_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text("[[feed]\nname = ", encoding="utf-8")

    with pytest.raises(RegistryError, match=re.escape(f"{path}: is not valid TOML")):
        load_registry(path)


def test_it_names_the_file_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot be read"):
        load_registry(tmp_path / "absent.toml")


def test_it_refuses_a_top_level_key_other_than_feed(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[[feeds]]\nname = "x"\n', encoding="utf-8")

    with pytest.raises(RegistryError, match="feeds: is not a registry key"):
        load_registry(path)


def test_it_names_a_feed_it_does_not_have(tmp_path: Path) -> None:
    registry = load_registry(_registry(tmp_path, _feed()))

    with pytest.raises(RegistryError, match="feed 'nope': is not in the registry"):
        registry.feed("nope")
