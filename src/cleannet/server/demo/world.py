"""A fictitious country for demos and tests, generated from a seed. Pure: no Django.

``generate_world(seed)`` returns the same :class:`World` for the same arguments on every
machine: all randomness comes from one ``random.Random(seed)``, and the clock is read
only when ``today`` is not given (and then only for the UTC date). What it holds:

* the authority, five ISPs and organisations of every other kind, with invented names
  and ``.example`` websites; one user per role at least (no passwords);
* for each ISP 1–2 private AS numbers and 4–6 prefixes from non-routable ranges only,
  one block sold from one ISP to another mid-window, and abuse contacts;
* the malware families feeds report, the feeds themselves, and ``events`` (IntelMQ
  field names) over the last ``days`` days: working-week rhythm, a Mirai/Mozi wave on
  IoT ports, an Emotet burst, a few events from hosts no ISP holds, and about 2 %
  exact duplicates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from cleannet.server.demo import world_tables as tables
from cleannet.server.demo.world_catalogue import demo_feeds, demo_organisations, demo_users
from cleannet.server.demo.world_events import EventFactory
from cleannet.server.demo.world_families import demo_families
from cleannet.server.demo.world_hosts import AddressBook
from cleannet.server.demo.world_model import (
    DemoAbuseContact,
    DemoAutonomousSystem,
    DemoFamily,
    DemoFeed,
    DemoOrganisation,
    DemoPrefix,
    DemoUser,
    EventDict,
    World,
)
from cleannet.server.demo.world_network import plan_networks
from cleannet.server.demo.world_sampling import (
    Clock,
    Picker,
    everyday_weights,
    outbreak_weights,
    outbreak_window,
)

__all__ = [
    "DemoAbuseContact",
    "DemoAutonomousSystem",
    "DemoFamily",
    "DemoFeed",
    "DemoOrganisation",
    "DemoPrefix",
    "DemoUser",
    "EventDict",
    "World",
    "generate_world",
]

DUPLICATE_SHARE = 0.02

Build = Callable[[dt.datetime], EventDict]
Scenario = tuple[float, Clock, Build]


def generate_world(
    seed: int = 2026, days: int = 90, events: int = 20000, today: dt.date | None = None
) -> World:
    """Return the world of ``seed``: ``events`` events over the ``days`` days before ``today``.

    ``today`` defaults to the current UTC date; the window ends at its midnight (UTC).
    Raises ``ValueError`` if ``days`` < 1 or ``events`` < 0.
    """
    if days < 1 or events < 0:
        raise ValueError("a world needs at least one day and a non-negative number of events")
    rng = random.Random(seed)
    last = today if today is not None else dt.datetime.now(dt.UTC).date()
    first = last - dt.timedelta(days=days)
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    plan = plan_networks(rng, first, days)
    factory = EventFactory(rng, AddressBook(plan.prefixes, start))
    duplicates = round(events * DUPLICATE_SHARE)
    unique = _unique_events(rng, _scenarios(rng, factory, start, days), events - duplicates)
    return World(
        seed=seed,
        start=start,
        end=start + dt.timedelta(days=days),
        organisations=demo_organisations(),
        users=demo_users(),
        autonomous_systems=plan.autonomous_systems,
        prefixes=plan.prefixes,
        abuse_contacts=plan.abuse_contacts,
        families=demo_families(),
        feeds=demo_feeds(),
        events=_with_duplicates(rng, unique, duplicates),
        duplicate_events=duplicates,
    )


def _family_builder(
    build: Callable[[dt.datetime, str], EventDict],
    rng: random.Random,
    families: tuple[tuple[str, float], ...],
) -> Build:
    """Return a builder that draws the family from ``families`` and passes it to ``build``."""
    picker = Picker(families)
    return lambda at: build(at, picker.pick(rng))


def _scenarios(
    rng: random.Random, make: EventFactory, start: dt.datetime, days: int
) -> list[Scenario]:
    """Return what happens in the window: (share of events, clock, builder) for each story."""
    first = start.date()
    # IoT devices never rest; office PCs (and so their malware) go quiet at weekends.
    iot = Clock(start, everyday_weights(rng, first, days, weekend=0.97))
    office = Clock(start, everyday_weights(rng, first, days, weekend=0.65))
    wave = Clock(
        start, outbreak_weights(days, *outbreak_window(rng, days, 0.15, 0.5, rng.randint(6, 9)))
    )
    burst = Clock(
        start, outbreak_weights(days, *outbreak_window(rng, days, 0.55, 0.85, rng.randint(3, 4)))
    )
    emotet = (("Emotet", 1.0),)
    return [
        (0.30, iot, _family_builder(make.sinkholed, rng, tables.SINKHOLE_IOT)),
        (0.18, office, _family_builder(make.sinkholed, rng, tables.SINKHOLE_PC)),
        (0.08, iot, _family_builder(make.honeypot_hit, rng, tables.HONEYPOT_IOT)),
        (0.08, wave, _family_builder(make.honeypot_hit, rng, tables.WAVE_IOT)),
        (0.04, wave, _family_builder(make.sinkholed, rng, tables.WAVE_IOT)),
        (0.035, burst, _family_builder(make.sinkholed, rng, emotet)),
        (0.005, burst, _family_builder(_c2(make, "feodotracker"), rng, emotet)),
        (0.09, iot, make.scan),
        (0.08, iot, make.exposed),
        (0.06, office, _family_builder(make.distribution, rng, tables.URLHAUS)),
        (0.035, office, _family_builder(_c2(make, "threatfox"), rng, tables.THREATFOX)),
        (0.015, office, _family_builder(_c2(make, "feodotracker"), rng, tables.FEODOTRACKER)),
    ]


def _c2(make: EventFactory, feed: str) -> Callable[[dt.datetime, str], EventDict]:
    """Return a builder of ``feed``'s C2 listings, taking the time and the family."""
    return lambda at, family: make.c2_server(at, feed, family)


def _unique_events(rng: random.Random, scenarios: list[Scenario], count: int) -> list[EventDict]:
    """Return ``count`` pairwise different events, each from a scenario drawn by its share."""
    stories = Picker([((clock, build), share) for share, clock, build in scenarios])
    seen: set[tuple[tuple[str, str | int], ...]] = set()
    made: list[EventDict] = []
    while len(made) < count:
        clock, build = stories.pick(rng)
        event = build(clock.draw(rng))
        # Two draws can coincide (same host, same second); dedup must only count the copies.
        key = tuple(sorted(event.items()))
        if key not in seen:
            seen.add(key)
            made.append(event)
    return made


def _with_duplicates(
    rng: random.Random, unique: list[EventDict], count: int
) -> tuple[EventDict, ...]:
    """Return ``unique`` plus exact copies of ``count`` of them, all in time order."""
    copies = [dict(event) for event in rng.sample(unique, min(count, len(unique)))]
    # ISO times of one format sort chronologically; the sort is stable, so a copy follows
    # its original as a feed's repeated row would.
    return tuple(sorted(unique + copies, key=lambda event: str(event["time.source"])))
