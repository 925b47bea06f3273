"""Render ``docs/feeds.md`` from the feed registry, so the page cannot drift from the data.

A test compares the committed page with ``render_feeds_doc(load_registry())``;
``cleannet docs feeds`` rewrites it.
"""

from __future__ import annotations

from collections.abc import Iterator

from cleannet.engines.feeds.registry import FeedEntry, Registry

__all__ = ["REGENERATE_COMMAND", "render_feeds_doc"]

REGENERATE_COMMAND = "cleannet docs feeds"
REGISTRY_FILE = "src/cleannet/engines/feeds/registry.toml"
_COLUMNS = ("name", "provider", "format", "schedule", "TLP", "accuracy", "classification")


def _cell(text: str) -> str:
    """Return ``text`` safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _source(entry: FeedEntry) -> str:
    return entry.url or f"local: `{entry.path}`"


def _classification(entry: FeedEntry) -> str:
    return f"`{entry.classification_type}`" if entry.classification_type else "set by each row"


def _opening() -> Iterator[str]:
    yield "# Feeds"
    yield ""
    yield f"Generated from the feed registry (`{REGISTRY_FILE}`); do not edit by hand."
    yield "Regenerate it with:"
    yield ""
    yield "```"
    yield REGENERATE_COMMAND
    yield "```"
    yield ""
    yield "Every feed CleanNet collects is declared as data in the registry, one `[[feed]]`"
    yield "table each (the keys are described in `cleannet/engines/feeds/registry.py`). The"
    yield "worker runs each enabled feed when its schedule (crontab fields, in UTC) is due;"
    yield "`manual` feeds run only with `cleannet feeds run NAME`. The feeds that need the"
    yield "internet are off in the packaged registry: a deployment copies it, turns on what it"
    yield "collects and names the copy in `CLEANNET_FEED_REGISTRY`."


def _table(registry: Registry) -> Iterator[str]:
    yield "| " + " | ".join((*_COLUMNS, "source", "enabled")) + " |"
    yield "|" + "---|" * (len(_COLUMNS) + 2)
    for entry in registry:
        cells = (
            f"[`{entry.name}`](#{entry.name})",
            _cell(entry.provider),
            f"`{entry.format}`",
            f"`{entry.schedule}`",
            entry.tlp,
            str(entry.accuracy),
            _classification(entry),
            _cell(_source(entry)),
            "yes" if entry.enabled else "no",
        )
        yield "| " + " | ".join(cells) + " |"


def _details(entry: FeedEntry) -> Iterator[str]:
    yield f"- Documentation: <{entry.documentation}>"
    yield f"- Source: {_source(entry)}"
    if entry.variant:
        yield f"- Shadowserver report type: `{entry.variant}`"
    for column, target in entry.column_map.items():
        yield f"- Column `{column}` → `{target}`"
    if entry.encoding:
        yield f"- Encoding: `{entry.encoding}`"


def _section(entry: FeedEntry) -> Iterator[str]:
    yield f"## {entry.name}"
    yield ""
    if entry.description:
        yield entry.description
        yield ""
    yield from _details(entry)


def render_feeds_doc(registry: Registry) -> str:
    """Return the Markdown page of ``registry``: an overview table, then one section a feed."""
    lines = [*_opening(), "", *_table(registry)]
    for entry in registry:
        lines += ["", *_section(entry)]
    return "\n".join(lines) + "\n"
