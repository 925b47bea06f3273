"""Feed ingestion, pure: sources → parsers → pipeline (dedup, aggregate, attribute).

Public API: ``open_sources`` / ``text_source`` (inputs with limits), ``parser_for`` and
``FORMATS`` (the parsers by name), ``run_pipeline`` (batches of aggregates), and the
records every parser yields (``Accepted``, ``Rejected``, ``ParseOptions``, ``Source``,
``FeedFormatError``).
"""

from cleannet.engines.feeds.formats import FORMATS, parser_for
from cleannet.engines.feeds.pipeline import (
    Aggregate,
    Attribution,
    Attributor,
    Batch,
    aggregate_key,
    run_pipeline,
)
from cleannet.engines.feeds.records import (
    Accepted,
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
    RowError,
    Source,
)
from cleannet.engines.feeds.sources import Limits, open_sources, text_source

__all__ = [
    "FORMATS",
    "Accepted",
    "Aggregate",
    "Attribution",
    "Attributor",
    "Batch",
    "FeedFormatError",
    "Limits",
    "ParseOptions",
    "Rejected",
    "Row",
    "RowError",
    "Source",
    "aggregate_key",
    "open_sources",
    "parser_for",
    "run_pipeline",
    "text_source",
]
