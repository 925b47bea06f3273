"""The feed formats: one parser module each, found through ``FORMATS`` by name.

Adding a format means writing ``formats/<name>.py`` with ``parse(source, options)`` and
adding one line below. Parsers are imported on first use, so a format's dependencies
cost nothing until a feed of that format runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from typing import TYPE_CHECKING

from cleannet.engines.feeds.records import FeedFormatError, ParseOptions, Parser, Source

if TYPE_CHECKING:
    from cleannet.engines.feeds.columnar import ColumnBatch

ColumnarParser = Callable[[Source, ParseOptions], Iterator["ColumnBatch"]]

# name → "module:function" (the CLI's --format values and the registry's `format`).
FORMATS: dict[str, str] = {
    "shadowserver": "shadowserver:parse",
    "urlhaus": "urlhaus:parse",
    "threatfox": "threatfox:parse",
    "feodo": "feodo:parse",
    "feodo-json": "feodo:parse_json",
    "malwarebazaar": "malwarebazaar:parse",
    "stix": "stix:parse_stix",
    "misp": "misp:parse_misp_event",
    "list": "plainlist:parse",
    "csv": "genericcsv:parse",
}


# Formats that also read whole blocks of rows at once (``ColumnBatch``es, the same rows).
COLUMNAR: dict[str, str] = {
    "shadowserver": "shadowserver:parse_columnar",
}


def columnar_parser_for(name: str) -> ColumnarParser | None:
    """Return the columnar parser of format ``name``, or None when it has none."""
    target = COLUMNAR.get(name)
    if target is None:
        return None
    module, function = target.split(":")
    parser: ColumnarParser = getattr(import_module(f"{__name__}.{module}"), function)
    return parser


def parser_for(name: str) -> Parser:
    """Return the parser of format ``name``; raise ``FeedFormatError`` for an unknown one."""
    target = FORMATS.get(name)
    if target is None:
        known = ", ".join(sorted(FORMATS))
        raise FeedFormatError(name, f"is not a known feed format (known: {known})")
    module, function = target.split(":")
    parser: Parser = getattr(import_module(f"{__name__}.{module}"), function)
    return parser


__all__ = ["COLUMNAR", "FORMATS", "ColumnarParser", "columnar_parser_for", "parser_for"]
