"""The feed registry: every feed CleanNet collects, declared as data (``registry.toml``).

One ``[[feed]]`` table per feed, after IntelMQ's ``feeds.yaml``; ``docs/feeds.md`` is
rendered from it (``cleannet.engines.feeds.feedsdoc``). ``load_registry`` checks every
entry and raises ``RegistryError`` naming the file, the feed and the key at the first
problem: a registry is used whole or not at all, never half-read.

Keys (required unless marked optional):

- ``name``: a slug, unique (the ``Feed`` row's name and ``feed.name``)
- ``provider``: who publishes it (``feed.provider``); ``format``: a name from ``FORMATS``
- ``url`` or ``path``, exactly one: an http(s) URL to fetch, or a local file or directory
  (relative to the registry file's directory)
- ``schedule``: five crontab fields in UTC (``cleannet.engines.feeds.schedule``), or
  ``manual``
- ``tlp``: CLEAR, GREEN, AMBER, AMBER+STRICT or RED (WHITE means CLEAR)
- ``accuracy``: 0–100 (``feed.accuracy``); ``documentation``: an http(s) URL about the feed
- optional ``classification_type``: the RSIT type of rows that do not set one
- optional ``variant``: the Shadowserver report type, when file names do not say it
- optional ``column_map``: for ``csv``, input column → event field; for ``list``, ``kind``
- optional ``encoding``: the text encoding, when the file does not say (BOM)
- optional ``enabled`` (default true): whether the worker runs it on its schedule
- optional ``description``: what the feed holds, for people
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from cleannet.core.errors import CleanNetError, InvalidValue
from cleannet.core.event import validate_field
from cleannet.core.taxonomy import classify
from cleannet.engines.feeds.formats import FORMATS
from cleannet.engines.feeds.records import FeedFormatError, ParseOptions
from cleannet.engines.feeds.schedule import MANUAL, cron_fields

__all__ = [
    "DEFAULT_REGISTRY",
    "MANUAL",
    "FeedEntry",
    "Registry",
    "RegistryError",
    "load_registry",
]

DEFAULT_REGISTRY = Path(__file__).with_name("registry.toml")

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
_MAX_URL = 500  # the Feed model's URL column


class RegistryError(CleanNetError):
    """The registry cannot be used: ``source`` (the file), ``feed`` and ``key`` say where.

    ``feed`` and ``key`` are empty for a problem with the file as a whole.
    """

    def __init__(self, source: str, feed: str, key: str, reason: str) -> None:
        self.source, self.feed, self.key, self.reason = source, feed, key, reason
        where = source + (f": feed {feed!r}" if feed else "") + (f", {key}" if key else "")
        super().__init__(f"{where}: {reason}")


class _Refused(Exception):
    """A key's value is refused; the loader adds the file, feed and key."""


@dataclass(frozen=True)
class FeedEntry:
    """One checked feed of the registry (see the module docstring for each key)."""

    name: str
    provider: str
    format: str
    schedule: str
    tlp: str
    accuracy: int
    documentation: str
    classification_type: str = ""
    url: str = ""
    path: str = ""
    variant: str = ""
    column_map: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    encoding: str = ""
    enabled: bool = True
    description: str = ""
    base_dir: Path = field(default=Path(), compare=False, repr=False)

    @property
    def local_path(self) -> Path | None:
        """Return the file or directory a ``path`` feed reads, or None for a ``url`` feed."""
        return self.base_dir / self.path if self.path else None

    @property
    def is_manual(self) -> bool:
        """Return True if the feed runs only when asked (``schedule = "manual"``)."""
        return self.schedule == MANUAL

    def crontab_fields(self) -> dict[str, str] | None:
        """Return the schedule as huey ``crontab()`` keywords, or None when manual."""
        return None if self.is_manual else cron_fields(self.schedule)

    def parse_options(self, source_name: str = "") -> ParseOptions:
        """Return the parser options of this feed for a source named ``source_name``."""
        return ParseOptions(
            source_name=source_name,
            feed_name=self.name,
            provider=self.provider,
            accuracy=self.accuracy,
            tlp=self.tlp,
            classification_type=self.classification_type,
            column_map=dict(self.column_map),
            variant=self.variant,
        )


@dataclass(frozen=True)
class Registry:
    """The checked feeds of one registry file, in file order."""

    source: Path
    feeds: tuple[FeedEntry, ...]

    def __iter__(self) -> Iterator[FeedEntry]:
        return iter(self.feeds)

    def names(self) -> list[str]:
        """Return the feed names in file order."""
        return [entry.name for entry in self.feeds]

    def feed(self, name: str) -> FeedEntry:
        """Return the feed called ``name``; raise ``RegistryError`` if there is none."""
        for entry in self.feeds:
            if entry.name == name:
                return entry
        raise RegistryError(str(self.source), name, "", "is not in the registry")


# --- One check per key: each returns the normalised value or raises _Refused ---------


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Refused("must be a non-empty string")
    return value.strip()


def _optional_text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Refused("must be a string")
    return value.strip()


def _name(value: Any) -> str:
    name = _text(value)
    if not _NAME.fullmatch(name):
        raise _Refused(f"{name!r} must be lower-case letters, digits and hyphens (at most 100)")
    return name


def _format(value: Any) -> str:
    name = _text(value)
    if name not in FORMATS:
        raise _Refused(f"{name!r} is not a known format (known: {', '.join(sorted(FORMATS))})")
    return name


def _http_url(value: Any) -> str:
    url = _text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Refused(f"{url!r} is not an http(s) URL with a host")
    if len(url) > _MAX_URL:
        raise _Refused(f"is longer than {_MAX_URL} characters")
    return url


def _schedule(value: Any) -> str:
    schedule = " ".join(_text(value).split())
    if schedule == MANUAL:
        return schedule
    try:
        cron_fields(schedule)
    except ValueError as exc:
        raise _Refused(str(exc)) from None
    return schedule


def _tlp(value: Any) -> str:
    try:
        level = str(validate_field("tlp", _text(value)))
    except InvalidValue as exc:
        raise _Refused(f"{value!r} is not one of {', '.join(_TLP_LEVELS)}: {exc.reason}") from None
    # TLP 2.0 renamed WHITE to CLEAR; the Feed rows use one spelling.
    return "CLEAR" if level == "WHITE" else level


def _accuracy(value: Any) -> int:
    # TOML booleans are not numbers here, though Python's bool is an int.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise _Refused(f"{value!r} is not a whole number from 0 to 100")
    return value


def _classification(value: Any) -> str:
    try:
        return classify(_text(value)).type
    except InvalidValue as exc:
        raise _Refused(f"{value!r} is not an RSIT type: {exc.reason}") from None


def _column_map(value: Any) -> Mapping[str, str]:
    if not isinstance(value, dict) or not value:
        raise _Refused("must be a non-empty table of column = field")
    if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()):
        raise _Refused("every entry must map a name to a non-empty string")
    return MappingProxyType(dict(value))


def _encoding(value: Any) -> str:
    name = _text(value)
    try:
        codecs.lookup(name)
    except LookupError:
        raise _Refused(f"{name!r} is not a known text encoding") from None
    return name


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Refused(f"{value!r} is not true or false")
    return value


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "name": _name,
    "provider": _text,
    "format": _format,
    "url": _http_url,
    "path": _text,
    "schedule": _schedule,
    "tlp": _tlp,
    "accuracy": _accuracy,
    "documentation": _http_url,
    "classification_type": _classification,
    "variant": _text,
    "column_map": _column_map,
    "encoding": _encoding,
    "enabled": _flag,
    "description": _optional_text,
}
_REQUIRED = ("name", "provider", "format", "schedule", "tlp", "accuracy", "documentation")


# The parser modules are imported only for a feed of their format, as ``FORMATS`` does.


def _check_column_map(entry: dict[str, Any]) -> None:
    """Refuse a ``column_map`` the feed's format would refuse at its first file."""
    column_map, fmt = entry.get("column_map"), entry["format"]
    if fmt == "csv" and column_map is None:
        raise _Refused("is required by the csv format")
    if column_map is None:
        return
    if fmt == "list":
        from cleannet.engines.feeds.formats.plainlist import KIND_FIELDS

        kind = column_map.get("kind", "").lower()
        if set(column_map) != {"kind"} or kind not in KIND_FIELDS:
            known = ", ".join(str(name) for name in KIND_FIELDS)
            raise _Refused(f"the list format takes only kind = one of {known}")
    elif fmt == "csv":
        from cleannet.engines.feeds.formats.genericcsv import columns_from_map

        try:
            columns_from_map("column_map", column_map)
        except FeedFormatError as exc:
            raise _Refused(exc.reason) from None
    else:
        raise _Refused(f"is read only by the csv and list formats, not {fmt}")


def _check_variant(entry: dict[str, Any]) -> None:
    variant = entry.get("variant")
    if variant is None:
        return
    if entry["format"] != "shadowserver":
        raise _Refused(f"is read only by the shadowserver format, not {entry['format']}")
    from cleannet.engines.feeds.formats.shadowserver_schema import reports

    if variant not in reports():
        raise _Refused(f"{variant!r} is not a Shadowserver report type (e.g. event4_sinkhole)")


def _check_location(entry: dict[str, Any]) -> None:
    if ("url" in entry) == ("path" in entry):
        raise _Refused("give exactly one of url (to fetch) and path (a local file or directory)")


# Checks that look at more than one key, with the key each error is reported under.
_CROSS_CHECKS: tuple[tuple[str, Callable[[dict[str, Any]], None]], ...] = (
    ("url", _check_location),
    ("column_map", _check_column_map),
    ("variant", _check_variant),
)


def _checked_entry(raw: Any, source: str, position: int, base_dir: Path) -> FeedEntry:
    """Return the ``FeedEntry`` of one ``[[feed]]`` table; raise ``RegistryError`` if bad."""
    label = f"#{position}"
    if not isinstance(raw, dict):
        raise RegistryError(source, label, "", "is not a table")
    if isinstance(raw.get("name"), str) and raw["name"].strip():
        label = raw["name"].strip()
    unknown = sorted(set(raw) - set(_CHECKS))
    if unknown:
        known = ", ".join(_CHECKS)
        raise RegistryError(source, label, unknown[0], f"is not a registry key (known: {known})")
    for key in _REQUIRED:
        if key not in raw:
            raise RegistryError(source, label, key, "is required")
    entry: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            entry[key] = _CHECKS[key](value)
        except _Refused as exc:
            raise RegistryError(source, label, key, str(exc)) from None
    for key, check in _CROSS_CHECKS:
        try:
            check(entry)
        except _Refused as exc:
            raise RegistryError(source, label, key, str(exc)) from None
    return FeedEntry(**entry, base_dir=base_dir)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(str(path), "", "", f"cannot be read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(str(path), "", "", f"is not valid TOML: {exc}") from None


def load_registry(path: Path | None = None) -> Registry:
    """Return the checked registry in ``path`` (the packaged ``registry.toml`` by default).

    Relative ``path`` values of feeds are taken from the registry file's directory.
    Raises ``RegistryError`` naming the file, and the feed and key when one is at fault:
    an unreadable file or bad TOML, a top-level key other than ``feed``, an unknown or
    missing key, a bad value, or two feeds with the same name.
    """
    path = (path or DEFAULT_REGISTRY).resolve()
    source = str(path)
    document = _read_toml(path)
    extra = sorted(set(document) - {"feed"})
    if extra:
        raise RegistryError(source, "", extra[0], "is not a registry key (use [[feed]] tables)")
    tables = document.get("feed", [])
    if not isinstance(tables, list):
        raise RegistryError(source, "", "feed", "must be [[feed]] tables")
    entries = [_checked_entry(raw, source, n, path.parent) for n, raw in enumerate(tables, 1)]
    seen: set[str] = set()
    for entry in entries:
        if entry.name in seen:
            raise RegistryError(source, entry.name, "name", "is used by two feeds")
        seen.add(entry.name)
    return Registry(source=path, feeds=tuple(entries))
