"""Writing a demo world into the database through the service functions.

``load_world`` is idempotent: whatever already exists (an organisation with the slug or
name, a user name, an AS number, a holding of a block from the same day, a contact's
e-mail, a family name, a feed name, an indicator, an event hash) is skipped, so loading
the same world twice changes nothing the second time. It runs in one transaction: a
failure leaves the database as it was.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

from django.db import transaction
from django.db.models import Q

from cleannet.core.event import Event
from cleannet.server.accounts import services as accounts
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import Role
from cleannet.server.demo.load_advisories import load_advisories
from cleannet.server.demo.load_brands import load_brand_protection
from cleannet.server.demo.load_bundle import publish_demo_bundle
from cleannet.server.demo.load_campaigns import load_campaigns
from cleannet.server.demo.load_reports import load_reports
from cleannet.server.demo.world_indicators import Sighting, indicator_sightings
from cleannet.server.demo.world_model import World
from cleannet.server.intel import services as intel
from cleannet.server.intel.models import Event as StoredEvent
from cleannet.server.intel.models import Feed, Indicator, MalwareFamily
from cleannet.server.networks import services as networks
from cleannet.server.networks.models import AbuseContact, AutonomousSystem, Prefix

__all__ = ["EVENT_CHUNK", "LoadSummary", "Progress", "load_world"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each step; the CLI drives a progress bar."""

EVENT_CHUNK = 2000
"""Events per ``record_events`` call: each call is one audit entry and one progress step."""

T = TypeVar("T")


@dataclass(frozen=True)
class LoadSummary:
    """What one ``load_world`` call created (zero everywhere when the world was loaded).

    ``events_read`` is every event of the world; ``events_duplicates`` counts the world's
    own copies and the events an earlier load stored. ``passwords`` holds the password
    generated for each new user that was given none: show it once, it is not kept.
    """

    organisations: int = 0
    users: int = 0
    autonomous_systems: int = 0
    prefixes: int = 0
    abuse_contacts: int = 0
    families: int = 0
    feeds: int = 0
    indicators: int = 0
    events_read: int = 0
    events_accepted: int = 0
    events_duplicates: int = 0
    brands: int = 0
    passwords: Mapping[str, str] = field(default_factory=dict)


class _Ticker:
    """Counts steps done and reports them to the caller's ``progress``, if any."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress, self.total, self.done = progress, total, 0

    def step(self, count: int = 1) -> None:
        self.done += count
        if self._progress is not None:
            self._progress(self.done, self.total)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load_world(
    world: World,
    progress: Progress | None = None,
    *,
    passwords: Mapping[str, str] | None = None,
) -> LoadSummary:
    """Write ``world`` through the services, skipping what exists; return what was created.

    ``passwords`` maps user names to passwords; a new user missing from it gets a random
    one, returned in ``LoadSummary.passwords``. Raises ``ValidationError`` if the database
    holds something that contradicts the world (e.g. its block held by someone else).
    """
    sightings = indicator_sightings(world.events)
    ticker = _Ticker(progress, _total_steps(world, sightings))
    with transaction.atomic():
        orgs, created_orgs = _load_organisations(world, ticker)
        new_passwords: dict[str, str] = {}
        users = _load_users(world, orgs, passwords or {}, new_passwords, ticker)
        systems, created_systems = _load_autonomous_systems(world, orgs, ticker)
        prefixes = _load_prefixes(world, orgs, systems, ticker)
        contacts = _load_abuse_contacts(world, orgs, ticker)
        families = _load_families(world, ticker)
        feeds, created_feeds = _load_feeds(world, ticker)
        indicators = _load_indicators(sightings, feeds, ticker)
        accepted = _load_events(world, feeds, ticker)
        brands = load_brand_protection(orgs, _analyst(world))
        load_advisories(_analyst(world))
        load_reports(orgs)
        load_campaigns(orgs)
    publish_demo_bundle()  # a file of its own, written outside the transaction
    ticker.step()
    return LoadSummary(
        organisations=created_orgs, users=users, autonomous_systems=created_systems,
        prefixes=prefixes, abuse_contacts=contacts, families=families, feeds=created_feeds,
        indicators=indicators, events_read=len(world.events), events_accepted=accepted,
        events_duplicates=len(world.events) - accepted, brands=brands,
        passwords=new_passwords,
    )  # fmt: skip


def _analyst(world: World) -> User | None:
    """Return the world's first authority analyst (who confirms the demo's fake sites)."""
    names = [u.username for u in world.users if u.role == Role.AUTHORITY_ANALYST]
    return User.objects.filter(username__in=names).order_by("username").first()


def _total_steps(world: World, sightings: Sequence[Sighting]) -> int:
    records = (
        world.organisations, world.users, world.autonomous_systems, world.prefixes,
        world.abuse_contacts, world.families, world.feeds, sightings, world.events,
    )  # fmt: skip
    return sum(len(r) for r in records) + 1  # + the brand protection step


def _load_organisations(world: World, ticker: _Ticker) -> tuple[dict[str, Organisation], int]:
    """Return every world organisation by slug, and how many were created."""
    slugs = [o.slug for o in world.organisations]
    names = [o.name for o in world.organisations]
    found = list(Organisation.objects.filter(Q(slug__in=slugs) | Q(name__in=names)))
    by_slug = {o.slug: o for o in found}
    by_name = {o.name: o for o in found}
    orgs: dict[str, Organisation] = {}
    created = 0
    for demo in world.organisations:
        org = by_slug.get(demo.slug) or by_name.get(demo.name)
        if org is None:
            org = accounts.create_organisation(None, demo.name, demo.kind, demo.slug, demo.website)
            created += 1
        orgs[demo.slug] = org
        ticker.step()
    return orgs, created


def _load_users(
    world: World,
    orgs: Mapping[str, Organisation],
    given: Mapping[str, str],
    generated: dict[str, str],
    ticker: _Ticker,
) -> int:
    """Create the missing users; fill ``generated`` with passwords made up; return the count."""
    names = [u.username for u in world.users]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    created = 0
    for demo in world.users:
        if demo.username not in existing:
            password = given.get(demo.username) or secrets.token_urlsafe(12)
            if demo.username not in given:
                generated[demo.username] = password
            org = orgs[demo.organisation]
            accounts.create_user(None, demo.username, demo.email, password, demo.role, org)
            created += 1
        ticker.step()
    return created


def _load_autonomous_systems(
    world: World, orgs: Mapping[str, Organisation], ticker: _Ticker
) -> tuple[dict[int, AutonomousSystem], int]:
    """Return every world AS by number, and how many were created."""
    numbers = [a.number for a in world.autonomous_systems]
    systems = AutonomousSystem.objects.in_bulk(numbers, field_name="number")
    created = 0
    for demo in world.autonomous_systems:
        if demo.number not in systems:
            org = orgs[demo.organisation]
            systems[demo.number] = networks.add_autonomous_system(None, demo.number, demo.name, org)
            created += 1
        ticker.step()
    return systems, created


def _load_prefixes(
    world: World,
    orgs: Mapping[str, Organisation],
    systems: Mapping[int, AutonomousSystem],
    ticker: _Ticker,
) -> int:
    """Add the holdings not recorded yet (same block, holder and first day); return the count."""
    cidrs = {p.cidr for p in world.prefixes}
    existing = set(
        Prefix.objects.filter(cidr__in=cidrs).values_list("cidr", "organisation_id", "valid_from")
    )
    created = 0
    # The world lists a sold block's old holding before the new one, as history happened.
    for demo in world.prefixes:
        org = orgs[demo.organisation]
        if (demo.cidr, org.pk, demo.valid_from) not in existing:
            asn = systems[demo.asn] if demo.asn is not None else None
            networks.add_prefix(None, demo.cidr, org, demo.valid_from, demo.valid_until, asn)
            created += 1
        ticker.step()
    return created


def _load_abuse_contacts(world: World, orgs: Mapping[str, Organisation], ticker: _Ticker) -> int:
    """Add the contacts whose organisation does not list their e-mail yet; return the count."""
    org_ids = [org.pk for org in orgs.values()]
    existing = set(
        AbuseContact.objects.filter(organisation_id__in=org_ids).values_list(
            "organisation_id", "email"
        )
    )
    created = 0
    for demo in world.abuse_contacts:
        org = orgs[demo.organisation]
        if (org.pk, demo.email) not in existing:
            networks.add_abuse_contact(
                None, org, demo.name, demo.email,
                language=demo.language, is_primary=demo.is_primary,
            )  # fmt: skip
            created += 1
        ticker.step()
    return created


def _load_families(world: World, ticker: _Ticker) -> int:
    """Add the families no name or alias resolves to yet; return the count."""
    known = intel.resolve_families(f.name for f in world.families)
    created = 0
    for demo in world.families:
        if intel.alias_key(demo.name) not in known:
            intel.add_family(
                None, demo.name, demo.kind, demo.aliases, platforms=demo.platforms,
                description_vi=demo.description_vi, description_en=demo.description_en,
            )  # fmt: skip
            created += 1
        ticker.step()
    return created


def _load_feeds(world: World, ticker: _Ticker) -> tuple[dict[str, Feed], int]:
    """Return every world feed by name, and how many were created."""
    feeds = Feed.objects.in_bulk([f.name for f in world.feeds], field_name="name")
    created = 0
    for demo in world.feeds:
        if demo.name not in feeds:
            feeds[demo.name] = intel.add_feed(
                None, demo.name, demo.provider, demo.format, url=demo.url,
                schedule=demo.schedule, tlp=demo.tlp, accuracy=demo.accuracy,
                default_classification_type=demo.default_classification_type,
            )  # fmt: skip
            created += 1
        ticker.step()
    return feeds, created


def _load_indicators(
    sightings: Sequence[Sighting], feeds: Mapping[str, Feed], ticker: _Ticker
) -> int:
    """Record the indicators not stored before this load; return how many were created.

    Two sightings may normalise to one indicator (a URL's port is not part of it); both
    are recorded, and the upsert widens the one row to span them.
    """
    normalised = [intel.normalise_indicator(s.kind, s.value) for s in sightings]
    existing = _existing_indicators(normalised)
    families = intel.resolve_families(s.family for s in sightings)
    created: set[tuple[str, str]] = set()
    for sighting, key in zip(sightings, normalised, strict=True):
        if key not in existing:
            _record_sighting(sighting, feeds[sighting.feed], families)
            created.add(key)
        ticker.step()
    return len(created)


def _existing_indicators(keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for chunk in _chunks(keys, 500):
        values = {value for _, value in chunk}
        rows = Indicator.objects.filter(value__in=values).values_list("kind", "value")
        found.update(rows)
    return found


def _record_sighting(sighting: Sighting, feed: Feed, families: Mapping[str, MalwareFamily]) -> None:
    family = families.get(intel.alias_key(sighting.family))
    # Two sightings so that first_seen and last_seen span what the feed reported.
    for seen_at in dict.fromkeys((sighting.first_seen, sighting.last_seen)):
        intel.upsert_indicator(
            None, sighting.kind, sighting.value, seen_at, feed=feed, family=family,
            tlp=feed.tlp, confidence=feed.accuracy,
        )  # fmt: skip


def _load_events(world: World, feeds: Mapping[str, Feed], ticker: _Ticker) -> int:
    """Record the events not stored yet, one feed run per feed; return how many were stored.

    A feed whose events are all stored already gets no run, so a second load leaves no trace.
    """
    by_feed: dict[str, list[Event]] = {}
    for raw in world.events:
        by_feed.setdefault(str(raw["feed.name"]), []).append(Event.from_dict(raw))
    accepted = 0
    for name, events in by_feed.items():
        feed = feeds[name]
        # A feed with no stored event (the first load) skips hashing everything twice.
        known = StoredEvent.objects.filter(feed=feed).exists()
        fresh = _not_stored(events) if known else events
        ticker.step(len(events) - len(fresh))
        if fresh:
            accepted += _record_run(feed, fresh, ticker)
    return accepted


def _not_stored(events: Sequence[Event]) -> list[Event]:
    """Return the events whose hash is not stored yet, in order."""
    hashed = [(event.event_hash(), event) for event in events]
    stored: set[str] = set()
    for chunk in _chunks([digest for digest, _ in hashed], intel.BATCH_SIZE):
        found = StoredEvent.objects.filter(event_hash__in=chunk)
        stored.update(found.values_list("event_hash", flat=True))
    return [event for digest, event in hashed if digest not in stored]


def _record_run(feed: Feed, events: Sequence[Event], ticker: _Ticker) -> int:
    """Record ``events`` as one run of ``feed``; return how many were stored."""
    run = intel.start_feed_run(feed)
    accepted = 0
    for chunk in _chunks(events, EVENT_CHUNK):
        accepted += intel.record_events(None, chunk, feed=feed).accepted
        ticker.step(len(chunk))
    read = len(events)
    intel.finish_feed_run(run, read=read, accepted=accepted, rejected=0, duplicates=read - accepted)
    return accepted
