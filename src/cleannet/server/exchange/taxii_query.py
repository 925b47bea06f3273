"""The query parameters of TAXII 2.1 object endpoints, parsed or refused with their name."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from cleannet.server.exchange.entries import Position
from cleannet.server.exchange.stix import SPEC_VERSION

DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 1000

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
_VERSION_KEYWORDS = frozenset({"first", "last", "all"})


class BadParameter(ValueError):
    """A query parameter we cannot use; ``parameter`` names it, ``reason`` says why."""

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason


def parse_stix_time(raw: str, parameter: str) -> dt.datetime:
    """Return the aware UTC time of a STIX timestamp (``2026-03-01T08:00:00.123Z``).

    Raises ``BadParameter`` naming ``parameter`` for any other form.
    """
    if not _TIMESTAMP.match(raw):
        raise BadParameter(parameter, f"{raw!r} is not a timestamp like 2026-03-01T08:00:00Z.")
    seconds, _, fraction = raw[:-1].partition(".")
    try:
        parsed = dt.datetime.strptime(seconds, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        raise BadParameter(parameter, f"{raw!r} is not a valid date and time.") from None
    return parsed.replace(microsecond=int((fraction + "000000")[:6]))


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: an entry's position and the index of an object in it."""

    position: Position
    index: int

    def encode(self) -> str:
        """Return the opaque ``next`` token of this cursor (URL-safe base64 of JSON)."""
        values = [self.position.date_added.isoformat(), self.position.rank, self.position.key]
        raw = json.dumps([*values, self.index], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Return the cursor of a ``next`` token; raise ``BadParameter`` naming ``next``."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            added, rank, key, index = json.loads(raw)
            when = dt.datetime.fromisoformat(added)
            if when.tzinfo is None or not all(isinstance(n, int) for n in (rank, key, index)):
                raise ValueError(token)
        except (ValueError, TypeError, binascii.Error):
            raise BadParameter("next", "is not a token this server gave.") from None
        return cls(Position(when, rank, key), index)


@dataclass(frozen=True)
class ObjectQuery:
    """The filters of a Get Objects / Get Manifest / Get Object Versions request."""

    added_after: dt.datetime | None = None
    limit: int = DEFAULT_PAGE_SIZE
    next: Cursor | None = None
    types: frozenset[str] | None = None
    ids: frozenset[str] | None = None
    spec_versions: frozenset[str] | None = None
    versions: frozenset[dt.datetime] | None = None  # None: every version we hold

    def matches(self, obj: dict[str, Any], version: dt.datetime) -> bool:
        """Return True if ``obj`` (whose version is ``version``) passes every match filter."""
        if self.types is not None and obj["type"] not in self.types:
            return False
        if self.ids is not None and obj["id"] not in self.ids:
            return False
        if self.spec_versions is not None and SPEC_VERSION not in self.spec_versions:
            return False
        return self.versions is None or version in self.versions


def _values(params: QueryDict, name: str) -> frozenset[str] | None:
    raw = params.get(name)
    if raw is None:
        return None
    values = frozenset(v.strip() for v in raw.split(",") if v.strip())
    if not values:
        raise BadParameter(name, "needs at least one value.")
    return values


def _limit(params: QueryDict) -> int:
    raw = params.get("limit")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or int(raw) < 1:
        raise BadParameter("limit", f"{raw!r} is not a positive whole number.")
    return min(int(raw), MAX_PAGE_SIZE)  # TAXII lets a server return fewer than asked


def _versions(params: QueryDict) -> frozenset[dt.datetime] | None:
    """Return the asked version timestamps; None for first/last/all (we hold one version)."""
    values = _values(params, "match[version]")
    if values is None or values & _VERSION_KEYWORDS:
        return None
    return frozenset(parse_stix_time(value, "match[version]") for value in values)


def parse_object_query(params: QueryDict, *, allow_id: bool = True) -> ObjectQuery:
    """Return the filters of a request; raise ``BadParameter`` naming the first bad one.

    ``allow_id`` is False on endpoints whose path names the object already.
    """
    added_after = params.get("added_after")
    token = params.get("next")
    return ObjectQuery(
        added_after=parse_stix_time(added_after, "added_after") if added_after else None,
        limit=_limit(params),
        next=Cursor.decode(token) if token else None,
        types=_values(params, "match[type]"),
        ids=_values(params, "match[id]") if allow_id else None,
        spec_versions=_values(params, "match[spec_version]"),
        versions=_versions(params),
    )
