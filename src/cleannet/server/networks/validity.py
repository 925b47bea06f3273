"""Times and days: the calendar day prefix validity is written in, and reading given times."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from cleannet.core.errors import InvalidValue
from cleannet.core.event import validate_field


def validity_day(at: dt.datetime | dt.date) -> dt.date:
    """Return the day ``at`` falls on in the platform time zone.

    A naive datetime is taken to be in the platform time zone; a date is returned as is.
    """
    if not isinstance(at, dt.datetime):
        return at
    if timezone.is_naive(at):
        return at.date()
    return timezone.localtime(at).date()


def held_on(day: dt.date) -> Q:
    """Return the filter for prefixes held on ``day`` (``valid_from`` in, ``valid_until`` out)."""
    return Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gt=day))


def parse_time(raw: str, field: str) -> dt.datetime:
    """Return the aware UTC time ``raw`` names, read as event times are read.

    ISO 8601 with ``Z``, an offset or a space; a time without a zone is UTC and a bare
    date is midnight UTC. Raises ``ValidationError`` naming ``field`` otherwise.
    """
    try:
        value = validate_field("time.source", raw)
    except InvalidValue as error:
        raise ValidationError({field: error.reason}) from None
    assert isinstance(value, dt.datetime)
    return value
