"""Indicators a demo world implies: the C2 addresses and malware URLs its events name.

Feeds such as ThreatFox, Feodo Tracker and URLhaus are indicator lists as much as event
streams; an ISP node matches its logs against these, so the demo needs them loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from cleannet.server.demo.world_model import EventDict


@dataclass(frozen=True, slots=True)
class Sighting:
    """One indicator with the first and last time the world's events name it.

    ``family`` is the ``malware.name`` of the first event naming it; ``feed`` its feed.
    """

    kind: str  # an IndicatorKind value
    value: str
    family: str
    feed: str
    first_seen: dt.datetime
    last_seen: dt.datetime


def _observables(event: EventDict) -> list[tuple[str, str]]:
    """Return the (kind, value) pairs an event makes indicators of."""
    kind = event["classification.type"]
    if kind == "c2-server" and "source.ip" in event:
        ip = str(event["source.ip"])
        return [("ipv6" if ":" in ip else "ipv4", ip)]
    if kind == "malware-distribution":
        found = [("url", str(event["source.url"]))]
        if "source.fqdn" in event:
            found.append(("domain", str(event["source.fqdn"])))
        return found
    return []


def indicator_sightings(events: Iterable[EventDict]) -> tuple[Sighting, ...]:
    """Return one sighting per distinct indicator, in the order first seen in ``events``."""
    found: dict[tuple[str, str], Sighting] = {}
    for event in events:
        pairs = _observables(event)
        if not pairs:
            continue
        at = dt.datetime.fromisoformat(str(event["time.source"]))
        for kind, value in pairs:
            known = found.get((kind, value))
            if known is None:
                family, feed = str(event.get("malware.name", "")), str(event["feed.name"])
                found[(kind, value)] = Sighting(kind, value, family, feed, at, at)
            else:
                found[(kind, value)] = Sighting(
                    kind, value, known.family, known.feed,
                    min(known.first_seen, at), max(known.last_seen, at),
                )  # fmt: skip
    return tuple(found.values())
