"""The hub's indicators and events, written as the matching engine's input files.

Indicators become the declared CSV ``kind,value,family,valid_from,valid_until`` (the hub's
``ipv4``/``ipv6`` kinds are ``ip`` there); events stay one JSON object per line with the
API's dotted IntelMQ names, which the hub-event reader reads like the hub's JSONL export.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["INDICATOR_COLUMNS", "MATCHING_KINDS", "Written", "write_events", "write_indicators"]

INDICATOR_COLUMNS = ("kind", "value", "family", "valid_from", "valid_until")
MATCHING_KINDS = {"ipv4": "ip", "ipv6": "ip", "cidr": "cidr", "domain": "domain", "url": "url"}
"""The hub's indicator kind → the matching input's kind; other kinds are left out."""


@dataclass(frozen=True)
class Written:
    """How many items went into a file, and how many were left out (kinds no log has)."""

    path: Path
    written: int
    left_out: int = 0


def write_indicators(items: Iterable[Mapping[str, Any]], path: Path) -> Written:
    """Write the hub's indicators (``IndicatorOut`` items) as the matching CSV at ``path``.

    Kinds no log can match (hashes, phone numbers …) are left out and counted.
    """
    written = left_out = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out, lineterminator="\n")
        rows.writerow(INDICATOR_COLUMNS)
        for item in items:
            kind = MATCHING_KINDS.get(str(item.get("kind")))
            if kind is None:
                left_out += 1
                continue
            rows.writerow([kind, *(_cell(item.get(name)) for name in INDICATOR_COLUMNS[1:])])
            written += 1
    return Written(path, written, left_out)


def write_events(items: Iterable[Mapping[str, Any]], path: Path) -> Written:
    """Write the hub's events (``EventOut`` items, dotted names) as JSON Lines at ``path``.

    All of them: which ones can be attributed (those with a ``source.ip``) is the reader's
    decision, counted in its summary.
    """
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
            written += 1
    return Written(path, written)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
