"""The records a demo world is made of: plain frozen dataclasses, no Django.

Records point at each other by natural keys (an organisation's slug, an AS number, a
feed's name) rather than by object, so a world can be compared, printed and loaded
into an empty or a half-filled database alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EventValue = str | int
"""The value types an event field holds in a demo world (IntelMQ accepts both)."""

EventDict = dict[str, EventValue]
"""One event: IntelMQ dotted names (``source.ip``, ``time.source``, …) to values."""


@dataclass(frozen=True, slots=True)
class DemoOrganisation:
    """An organisation; ``kind`` is an ``OrganisationKind`` value."""

    slug: str
    name: str
    kind: str
    website: str


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A user; ``role`` is a ``Role`` value. The password is never part of a world."""

    username: str
    email: str
    role: str
    organisation: str  # slug


@dataclass(frozen=True, slots=True)
class DemoAutonomousSystem:
    """An autonomous system from the private-use range 64512–65534."""

    number: int
    name: str
    organisation: str  # slug


@dataclass(frozen=True, slots=True)
class DemoPrefix:
    """A prefix held by ``organisation`` from ``valid_from`` until ``valid_until`` (exclusive).

    Days are calendar days, as the networks app keeps them. ``weight`` is how much of the
    owner's infected population lives in it; the event generator uses it, the loader not.
    """

    cidr: str
    organisation: str  # slug
    valid_from: dt.date
    valid_until: dt.date | None
    asn: int | None
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class DemoAbuseContact:
    """Where an organisation's abuse reports go (no phone: a made-up number may be real)."""

    organisation: str  # slug
    name: str
    email: str
    language: str  # "vi" or "en"
    is_primary: bool


@dataclass(frozen=True, slots=True)
class DemoFamily:
    """A malware family with its real name, kind, aliases and one sentence in vi and en."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    platforms: tuple[str, ...]
    description_vi: str
    description_en: str


@dataclass(frozen=True, slots=True)
class DemoFeed:
    """A feed named like a real source CleanNet ingests (its URL is never a real one)."""

    name: str
    provider: str
    format: str
    url: str
    schedule: str  # crontab, UTC
    tlp: str
    accuracy: int  # percent
    default_classification_type: str


@dataclass(frozen=True, slots=True)
class World:
    """Everything ``load_world`` writes, generated from one seed.

    ``events`` are in time order; about 2 % are exact copies of an earlier event so
    that dedup shows up in the counts (``duplicate_events`` says how many).
    """

    seed: int
    start: dt.datetime  # first instant covered, UTC midnight
    end: dt.datetime  # first instant after the window, UTC midnight
    organisations: tuple[DemoOrganisation, ...]
    users: tuple[DemoUser, ...]
    autonomous_systems: tuple[DemoAutonomousSystem, ...]
    prefixes: tuple[DemoPrefix, ...]
    abuse_contacts: tuple[DemoAbuseContact, ...]
    families: tuple[DemoFamily, ...]
    feeds: tuple[DemoFeed, ...]
    events: tuple[EventDict, ...]
    duplicate_events: int
