"""Indicators: one row per normalised observable, widened each time a feed sees it again."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import IndicatorKind, normalise
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.intel.feeds import normalise_tlp
from cleannet.server.intel.models import Feed, Indicator, MalwareFamily, Tlp

# From least to most restricted; when two sources disagree the stricter level is kept.
_TLP_ORDER: list[str] = [Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED]


def normalise_indicator(kind: str, value: str) -> tuple[str, str]:
    """Return ``(kind, value)`` normalised by core.

    Raises ``ValidationError`` naming ``kind`` (unknown) or ``value`` (not valid for it).
    """
    try:
        known = IndicatorKind(kind)
    except ValueError:
        reason = _("%(kind)s is not an indicator kind.") % {"kind": kind}
        raise ValidationError({"kind": reason}) from None
    try:
        return known.value, str(normalise(known, value).value)
    except InvalidIndicator as error:
        raise ValidationError({"value": error.reason}) from None


def _stricter(a: str, b: str) -> str:
    return max(a, b, key=_TLP_ORDER.index)


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    """Return the later end of validity; None (open-ended) wins."""
    return None if a is None or b is None else max(a, b)


def _widen(row: Indicator, fresh: Indicator) -> None:
    """Merge a new sighting into ``row``: widen the seen range, keep the stronger claims."""
    row.first_seen = min(row.first_seen, fresh.first_seen)
    row.last_seen = max(row.last_seen, fresh.last_seen)
    row.valid_from = min(row.valid_from, fresh.valid_from)
    row.valid_until = _later(row.valid_until, fresh.valid_until)
    row.confidence = max(row.confidence, fresh.confidence)
    row.tlp = _stricter(row.tlp, fresh.tlp)
    row.family = row.family or fresh.family
    row.feed = row.feed or fresh.feed


def _create(fresh: Indicator) -> bool:
    """Insert ``fresh``; return False if a concurrent writer inserted the same one first."""
    try:
        with transaction.atomic():
            fresh.save()
    except IntegrityError:
        return False
    return True


@transaction.atomic
def upsert_indicator(
    actor: User | None,
    kind: str,
    value: str,
    seen_at: dt.datetime,
    *,
    feed: Feed | None = None,
    family: MalwareFamily | None = None,
    tlp: str = Tlp.AMBER,
    confidence: int = 50,
    valid_until: dt.datetime | None = None,
) -> tuple[Indicator, bool]:
    """Record a sighting of an indicator; return ``(indicator, created)``.

    A known indicator is widened: first/last seen extended, the higher confidence, the
    stricter TLP and an open or later ``valid_until`` kept; family and feed are filled
    only if still empty (the first feed stays). Raises ``ValidationError`` naming
    ``kind``, ``value``, ``tlp`` or ``confidence`` (outside 0–100).
    """
    kind, value = normalise_indicator(kind, value)
    if not 0 <= confidence <= 100:
        raise ValidationError({"confidence": _("Must be between 0 and 100.")})
    fresh = Indicator(
        kind=kind,
        value=value,
        family=family,
        feed=feed,
        first_seen=seen_at,
        last_seen=seen_at,
        valid_from=seen_at,
        valid_until=valid_until,
        tlp=normalise_tlp(tlp),
        confidence=confidence,
    )
    row = Indicator.objects.select_for_update().filter(kind=kind, value=value).first()
    if row is None and _create(fresh):
        record_change(actor, "indicator.add", fresh, after=snapshot(fresh))
        return fresh, True
    row = row or Indicator.objects.select_for_update().get(kind=kind, value=value)
    before = snapshot(row)
    _widen(row, fresh)
    row.save()
    record_change(actor, "indicator.update", row, before, snapshot(row))
    return row, False
