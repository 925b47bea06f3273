"""Feed ingestion, pure: sources → parsers → pipeline (dedup, aggregate, attribute).

Public API: ``open_sources`` / ``text_source`` (inputs with limits), ``parser_for`` and
``FORMATS`` (the parsers by name), ``columnar_parser_for`` (the formats that also read whole
blocks at once, for volume), ``run_pipeline`` / ``run_columnar_pipeline`` (batches of
aggregates, the same for the same rows), ``ColumnBatch``, and the
records every parser yields (``Accepted``, ``Rejected``, ``ParseOptions``, ``Source``,
``FeedFormatError``).
"""

from cleannet.engines.feeds.columnar import ColumnBatch
from cleannet.engines.feeds.columnar_pipeline import attribute_rows, run_columnar_pipeline
from cleannet.engines.feeds.formats import FORMATS, columnar_parser_for, parser_for
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
    "ColumnBatch",
    "FeedFormatError",
    "Limits",
    "ParseOptions",
    "Rejected",
    "Row",
    "RowError",
    "Source",
    "aggregate_key",
    "attribute_rows",
    "columnar_parser_for",
    "open_sources",
    "parser_for",
    "run_columnar_pipeline",
    "run_pipeline",
    "text_source",
]
