"""The hub's events for this ISP (sinkhole hits and the like) → the ``HUB_EVENT`` table.

Read from what the hub writes (see ``indicators_files``): ``/api/v1/intel/events`` JSON
pages, the exchange's ``events.jsonl`` and ``events.csv``. Per event: ``ts`` =
``time.source`` (ISO 8601; UTC without an offset, as the hub stores it), ``ip`` =
``source.ip``, ``port`` = ``source.port``, ``family`` = ``malware.name``, ``indicator`` =
``"<feed.name>:<classification.type>"``, ``evidence`` = ``event_hash`` (the hub's key,
the same in every export), else the page's ``id``, else ``<file>:<line>``.

An event without ``source.ip`` (a domain or URL event) has nothing to attribute and is
skipped; a missing ``time.source``, ``feed.name`` or ``classification.type``, or a bad
address, port or time is counted bad.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from cleannet.core.errors import InvalidIndicator
from cleannet.engines.matching.indicators_files import HubRecord, read_hub_records
from cleannet.engines.matching.leases.inputs import canonical_ip, iso_micros
from cleannet.engines.matching.leases.tables import times
from cleannet.engines.matching.schema import HUB_EVENT, ReadSummary

__all__ = ["EVENT_COLUMNS", "read_hub_events"]

# The hub's events.csv header (IntelMQ names), for a file that lost it.
EVENT_COLUMNS = (
    "time.source",
    "time.observation",
    "feed.name",
    "feed.provider",
    "classification.taxonomy",
    "classification.type",
    "classification.identifier",
    "malware.name",
    "source.ip",
    "source.port",
    "source.asn",
    "source.network",
    "source.fqdn",
    "source.url",
    "destination.ip",
    "destination.port",
    "protocol.transport",
    "protocol.application",
    "tlp",
    "event_hash",
)
_REQUIRED = ("time.source", "feed.name", "classification.type")
_MAX_PORT = 65535

EventRow = tuple[int, str, int | None, str | None, str, str]


class _BadEvent(ValueError):
    pass


def _required(record: HubRecord, name: str) -> str:
    value = record.get(name)
    if not value:
        raise _BadEvent(f"has no {name}")
    return value


def _port(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) > _MAX_PORT:
        raise _BadEvent(f"source.port {text!r} is not a port number")
    return int(text)


def _event(record: HubRecord) -> EventRow:
    """Return (ts, ip, port, family, indicator, evidence); raise ``_BadEvent`` naming why not."""
    when = _required(record, "time.source")
    indicator = f"{_required(record, 'feed.name')}:{_required(record, 'classification.type')}"
    try:
        ts = iso_micros(when, naive=dt.UTC, source=record.source)
        ip = canonical_ip(record.get("source.ip"))
    except InvalidIndicator as error:
        raise _BadEvent(f"source.ip: {error.reason}") from None
    except ValueError:
        raise _BadEvent(f"time.source {when!r} is not an ISO 8601 time") from None
    evidence = record.get("event_hash") or record.get("id") or f"{record.source}:{record.line}"
    family = record.get("malware.name") or None
    return ts, ip, _port(record.get("source.port")), family, indicator, evidence


def _table(rows: list[EventRow]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [()] * 6
    return pa.Table.from_arrays(
        [
            times(list(columns[0])),
            pa.array(columns[1], pa.string()),
            pa.array(columns[2], pa.int32()),
            pa.array(columns[3], pa.string()),
            pa.array(columns[4], pa.string()),
            pa.array(columns[5], pa.string()),
        ],
        schema=HUB_EVENT,
    )


def read_hub_events(paths: Sequence[Path]) -> tuple[pa.Table, ReadSummary]:
    """Return the ``HUB_EVENT`` table of the hub's event files and what was read.

    Raises ``OSError`` for an unreadable file; bad events are counted, never raised.
    """
    summary = ReadSummary()
    rows: list[EventRow] = []
    for path in paths:
        for record in read_hub_records(path, EVENT_COLUMNS, _REQUIRED, summary):
            if not record.get("source.ip"):
                summary.skipped += 1
                continue
            try:
                rows.append(_event(record))
            except _BadEvent as error:
                summary.reject(record.source, record.line, str(error), record.text)
                continue
            summary.used += 1
    return _table(rows), summary
