"""What a vendor's CGNAT port-block syslog line says, and the line's syslog time.

A vendor module (``cgnat_juniper``) turns its own message into a ``BlockLine``; the time
is read here for all of them from the text before the message: the first ISO 8601 time
there (RFC 5424 / RFC 3339 syslog, or a device's own ``2026-11-30 10:00:00`` stamp). A
time with an offset is converted; one without is read in ``--tz``. A line with only a
traditional (RFC 3164) ``Nov 30 10:00:00`` time has no year, so it is refused rather
than given a guessed one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cleannet.engines.matching.leases.inputs import iso_micros
from cleannet.engines.matching.leases.sessions import Step

__all__ = ["BlockLine", "NoSyslogTime", "syslog_time"]

_ISO_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


class NoSyslogTime(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class BlockLine:
    """A port block allocated (OPEN), still in use (UPDATE) or released (CLOSE)."""

    step: Step
    inside_ip: str
    public_ip: str
    port_from: int
    port_to: int
    prefix: str  # the line before the vendor's message: where its time is


def syslog_time(prefix: str, tz: dt.tzinfo | None, source: str) -> int:
    """Return the time in a syslog line's ``prefix`` as microseconds (UTC).

    Raises ``NeedsTimezone`` for a time without an offset when ``tz`` is None, and
    ``NoSyslogTime`` when there is no ISO 8601 time.
    """
    found = _ISO_TIME.search(prefix)
    if found is None:
        raise NoSyslogTime(
            "has no time with a year (RFC 3164 syslog): log with RFC 3339 times "
            "(rsyslog RSYSLOG_FileFormat)"
        )
    return iso_micros(found[0], naive=tz, source=source)
