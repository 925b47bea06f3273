"""The door of the exchange app: one function per export, for views, the CLI and tests.

- ``export_events_csv(selection)`` / ``export_events_jsonl(selection)``: text lines;
- ``export_stix_bundle(selection)``: a STIX 2.1 bundle as text chunks;
- ``export_misp_feed(owner, directory, since, until)``: writes a MISP feed directory.

Each takes an optional ``progress`` callback, called with the number of events just
written. The TAXII server (``taxii_views``) reads the same STIX objects page by page.
"""

from __future__ import annotations

from cleannet.server.exchange.bundle import export_stix_bundle
from cleannet.server.exchange.collections import (
    Collection,
    find_collection,
    organisation_collection_id,
    readable_collections,
)
from cleannet.server.exchange.misp import MispFeedSummary, export_misp_feed
from cleannet.server.exchange.selection import CSV_FIELDS, EventSelection, Progress, event_record
from cleannet.server.exchange.tabular import export_events_csv, export_events_jsonl, safe_cell

__all__ = [
    "CSV_FIELDS",
    "Collection",
    "EventSelection",
    "MispFeedSummary",
    "Progress",
    "event_record",
    "export_events_csv",
    "export_events_jsonl",
    "export_misp_feed",
    "export_stix_bundle",
    "find_collection",
    "organisation_collection_id",
    "readable_collections",
    "safe_cell",
]
