"""The feed registry in the database: one ``Feed`` row per registry feed, kept in step.

``sync_feeds`` is idempotent: a feed whose row already says what the registry says is not
written (nor audited) again. Every row the registry creates or changes gets a
``feed.sync`` audit entry (before/after), which is also how a row is known to belong to
the registry: a registry feed that has since left the registry is disabled, never deleted
(its runs and events still point at it). Feeds declared another way (the back office,
the demo world) are left alone. A registry feed edited in the back office is set back to
what the registry says at the next sync: the registry is the truth for its feeds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cleannet.engines.feeds.registry import FeedEntry, Registry
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import AuditEntry, User
from cleannet.server.intel.feeds import add_feed
from cleannet.server.intel.models import Feed

__all__ = ["SYNC_ACTION", "SyncResult", "feed_values", "sync_feed", "sync_feeds"]

logger = logging.getLogger(__name__)

SYNC_ACTION = "feed.sync"


@dataclass
class SyncResult:
    """The names of the feeds created, changed and disabled, and those refused (why)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def feed_values(entry: FeedEntry) -> dict[str, Any]:
    """Return the ``Feed`` columns that ``entry`` declares (its name aside)."""
    return {
        "provider": entry.provider,
        "format": entry.format,
        "url": entry.url,
        # A Feed row's schedule is crontab text; blank means it runs only when asked.
        "schedule": "" if entry.is_manual else entry.schedule,
        "tlp": entry.tlp,
        "accuracy": entry.accuracy,
        "default_classification_type": entry.classification_type,
        "enabled": entry.enabled,
    }


def _managed_ids() -> set[int]:
    """Return the ids of the feeds a registry sync ever created or changed."""
    ids = AuditEntry.objects.filter(action=SYNC_ACTION, object_type="intel.feed")
    return {int(pk) for pk in ids.values_list("object_id", flat=True).distinct()}


def _create(entry: FeedEntry, actor: User | None) -> Feed:
    values = feed_values(entry)
    provider, format = values.pop("provider"), values.pop("format")
    feed = add_feed(actor, entry.name, provider, format, **values)
    record_change(actor, SYNC_ACTION, feed, after=snapshot(feed))
    return feed


def _update(feed: Feed, entry: FeedEntry, managed: bool, actor: User | None) -> bool:
    """Bring ``feed`` in line with ``entry``; return True if anything was written."""
    changes = {k: v for k, v in feed_values(entry).items() if getattr(feed, k) != v}
    if not changes and managed:
        return False
    before = snapshot(feed)
    for name, value in changes.items():
        setattr(feed, name, value)
    feed.full_clean()
    feed.save()
    # Also for an unchanged row the registry claims (a feed first declared by hand).
    record_change(actor, SYNC_ACTION, feed, before, snapshot(feed))
    return True


@transaction.atomic
def sync_feed(entry: FeedEntry, actor: User | None = None) -> Feed:
    """Create or update the ``Feed`` row of ``entry``; return it.

    Raises ``ValidationError`` naming the field if the row cannot hold a value.
    """
    feed = Feed.objects.select_for_update().filter(name=entry.name).first()
    if feed is None:
        return _create(entry, actor)
    managed = AuditEntry.objects.filter(
        action=SYNC_ACTION, object_type="intel.feed", object_id=str(feed.pk)
    ).exists()
    _update(feed, entry, managed, actor)
    return feed


@transaction.atomic
def _sync_one(entry: FeedEntry, feed: Feed | None, managed: set[int], actor: User | None) -> str:
    if feed is None:
        _create(entry, actor)
        return "created"
    return "updated" if _update(feed, entry, feed.pk in managed, actor) else ""


@transaction.atomic
def _disable_gone(names: set[str], managed: set[int], actor: User | None) -> list[str]:
    gone = Feed.objects.select_for_update().filter(pk__in=managed, enabled=True)
    disabled = []
    for feed in gone.exclude(name__in=names):
        before = snapshot(feed)
        feed.enabled = False
        feed.save(update_fields=["enabled"])
        record_change(actor, SYNC_ACTION, feed, before, snapshot(feed))
        disabled.append(feed.name)
    return disabled


def sync_feeds(registry: Registry, actor: User | None = None) -> SyncResult:
    """Make the ``Feed`` rows say what ``registry`` says; return what changed.

    Each feed is written in its own transaction: a row that refuses a value (recorded in
    ``refused`` and logged) does not stop the others.
    """
    result = SyncResult()
    rows = Feed.objects.in_bulk(registry.names(), field_name="name")
    managed = _managed_ids()
    for entry in registry:
        try:
            change = _sync_one(entry, rows.get(entry.name), managed, actor)
        except ValidationError as exc:
            result.refused[entry.name] = "; ".join(exc.messages)
            logger.error("feed %s not synced from the registry: %s", entry.name, exc.messages)
            continue
        if change:
            getattr(result, change).append(entry.name)
    result.disabled = _disable_gone(set(registry.names()), managed, actor)
    return result
