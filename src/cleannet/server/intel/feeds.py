"""Feeds and their runs: declaring a feed, opening a run, closing it with reconciled counts."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidValue
from cleannet.core.event import validate_field
from cleannet.core.taxonomy import classify
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.intel.models import Feed, FeedRun, Tlp

_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-]+$")


def normalise_tlp(value: str, field: str = "tlp") -> str:
    """Return the TLP 2.0 level of ``value`` ("tlp:white" -> "CLEAR").

    Raises ``ValidationError`` naming ``field`` if it is not a TLP level.
    """
    try:
        level = str(validate_field("tlp", value))
    except InvalidValue as error:
        raise ValidationError({field: error.reason}) from None
    # TLP 2.0 renamed WHITE to CLEAR; one spelling keeps filters simple.
    return Tlp.CLEAR.value if level == "WHITE" else level


def classification_type(value: str) -> str:
    """Return the RSIT type ``value`` names ("" stays ""); raise ``ValidationError`` if none."""
    if not value:
        return ""
    try:
        return classify(value).type
    except InvalidValue as error:
        raise ValidationError({"default_classification_type": error.reason}) from None


def check_schedule(schedule: str) -> str:
    """Return ``schedule`` with single spaces; raise ``ValidationError`` unless five cron fields."""
    fields = schedule.split()
    if schedule and (len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields)):
        raise ValidationError(
            {"schedule": _("Give five crontab fields: minute hour day month weekday.")}
        )
    return " ".join(fields)


@transaction.atomic
def add_feed(
    actor: User | None,
    name: str,
    provider: str,
    format: str,
    *,
    url: str = "",
    schedule: str = "",
    tlp: str = Tlp.AMBER,
    accuracy: int = 100,
    default_classification_type: str = "",
    enabled: bool = True,
) -> Feed:
    """Declare a feed; return it saved.

    Raises ``ValidationError`` naming ``name`` (taken or not a slug), ``tlp``, ``accuracy``
    (outside 0–100), ``schedule`` (not five crontab fields) or
    ``default_classification_type`` (not an RSIT type).
    """
    feed = Feed(
        name=name.strip(),
        provider=provider.strip(),
        format=format.strip(),
        url=url.strip(),
        schedule=check_schedule(schedule.strip()),
        tlp=normalise_tlp(tlp),
        accuracy=accuracy,
        default_classification_type=classification_type(default_classification_type),
        enabled=enabled,
    )
    if not 0 <= accuracy <= 100:
        raise ValidationError({"accuracy": _("Must be between 0 and 100.")})
    feed.full_clean()
    feed.save()
    record_change(actor, "feed.add", feed, after=snapshot(feed))
    return feed


@transaction.atomic
def start_feed_run(feed: Feed, actor: User | None = None) -> FeedRun:
    """Open a run of ``feed`` (status ``running``); return it."""
    run = FeedRun.objects.create(feed=feed)
    record_change(actor, "feed_run.start", run, after=snapshot(run))
    return run


def _finished_status(accepted: int, rejected: int, error: str) -> str:
    if error and accepted == 0:
        return FeedRun.Status.FAILED
    if error or rejected:
        return FeedRun.Status.PARTIAL
    return FeedRun.Status.SUCCEEDED


def _check_counts(read: int, accepted: int, rejected: int, duplicates: int) -> None:
    counts = {"read": read, "accepted": accepted, "rejected": rejected, "duplicates": duplicates}
    for field, value in counts.items():
        if value < 0:
            raise ValidationError({field: _("Must not be negative.")})
    if read != accepted + rejected + duplicates:
        raise ValidationError(
            {
                "read": _(
                    "%(read)s rows read but %(sum)s accounted for (accepted + rejected + "
                    "duplicates)."
                )
                % {"read": read, "sum": accepted + rejected + duplicates}
            }
        )


@transaction.atomic
def finish_feed_run(
    run: FeedRun,
    read: int,
    accepted: int,
    rejected: int,
    duplicates: int,
    error: str = "",
    actor: User | None = None,
) -> FeedRun:
    """Close ``run`` with its counts; return it.

    The status follows: ``failed`` if there is an error and nothing was accepted,
    ``partial`` if there is an error or rejected rows, else ``succeeded``. Raises
    ``ValidationError`` naming ``read`` if read != accepted + rejected + duplicates, a
    count that is negative, or ``status`` if the run is already finished.
    """
    locked = FeedRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != FeedRun.Status.RUNNING:
        raise ValidationError({"status": _("This run is already finished.")})
    _check_counts(read, accepted, rejected, duplicates)
    before = snapshot(locked)
    locked.read, locked.accepted, locked.rejected = read, accepted, rejected
    locked.duplicates, locked.error = duplicates, error
    locked.status = _finished_status(accepted, rejected, error)
    locked.finished_at = timezone.now()
    locked.save()
    record_change(actor, "feed_run.finish", locked, before, snapshot(locked))
    return locked
