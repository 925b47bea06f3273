"""``cleannet brands watch``: score the names of a stream against the brands, print the alerts.

Sources: a file (``.gz`` and ``.zip`` too), ``-`` for standard input, or a certstream websocket
(``ws://`` / ``wss://``; pinged every 30 s, reconnected with backoff when it drops). Formats:
``certstream`` (JSON messages, one per line), ``list`` (newly registered domains, one per line
or CSV with a ``domain`` column), ``urls`` (URLs from feeds and reports; the URL is scored,
so a brand in the path counts).

Each alert is one JSON line on stdout, the shape ``cleannet brands score`` writes (input, brand,
score, verdict, reasons) plus ``source`` and ``line``. A name seen again within the last
100,000 names (a precertificate and its certificate) is scored once. Bad lines and names go to
stderr as ``line N: why`` and never stop the stream; progress (names/s) goes to stderr every
10 s and a summary at the end. ``--store`` hands the alerts to the server's
``record_names`` (the server scores them again with the registered brands and keeps them).

Exit status: 0 when the stream ended (or was interrupted), 2 for bad arguments or an unreadable
file.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from enum import StrEnum
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Annotated

import typer

from cleannet.cli.brands import ThresholdOption, load_brand_files, verdict_json
from cleannet.core.errors import InvalidValue
from cleannet.engines.feeds import FeedFormatError
from cleannet.engines.lookalike.certstream import certstream_websocket, names_from_certstream_lines
from cleannet.engines.lookalike.model import DEFAULT_THRESHOLD
from cleannet.engines.lookalike.scorer import Scorer
from cleannet.engines.lookalike.streams import (
    RecentNames,
    StreamCounters,
    StreamError,
    StreamItem,
    StreamName,
    names_from_list,
    names_from_urls,
    open_stream,
)

_RECENT_NAMES = 100_000
_PROGRESS_SECONDS = 10.0
_STORE_BATCH = 200
_STORE_SECONDS = 5.0


class StreamFormat(StrEnum):
    certstream = "certstream"
    list = "list"
    urls = "urls"


_DEFAULT_SOURCE = {"certstream": "certstream", "list": "nrd", "urls": "feed"}
_SOURCES = ("certstream", "nrd", "feed", "report")
Reader = Callable[[Iterable[str | bytes], str, StreamCounters], Iterator[StreamItem]]
_READERS: dict[str, Reader] = {
    "certstream": names_from_certstream_lines,
    "list": names_from_list,
    "urls": names_from_urls,
}


def packaged_brands() -> Path:
    """Return the brands file shipped with the engine (``data/brands-vn.csv``)."""
    data = resources.files("cleannet.engines.lookalike") / "data" / "brands-vn.csv"
    return Path(str(data))


class _Store:
    """Alerts handed to the server in batches (on size or age), Django started on first use."""

    def __init__(self, source: str) -> None:
        from cleannet.cli.django_setup import setup_django

        setup_django()
        from cleannet.server.brands.alerts import record_names

        self.record_names, self.source = record_names, source
        self.pending: list[str] = []
        self.sent_at = time.monotonic()
        self.new_alerts = 0

    def add(self, text: str) -> None:
        self.pending.append(text)
        if len(self.pending) >= _STORE_BATCH or time.monotonic() - self.sent_at > _STORE_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.new_alerts += self.record_names(self.pending, self.source).new_alerts
        self.pending, self.sent_at = [], time.monotonic()


class _Watch:
    """Scores each item as it comes; prints alerts, refusals and progress."""

    def __init__(self, scorer: Scorer, threshold: int, store: _Store | None) -> None:
        self.scorer, self.threshold, self.store = scorer, threshold, store
        self.counters = StreamCounters()
        self.recent = RecentNames(_RECENT_NAMES)
        self.repeats = self.alerts = self.refused = 0
        self.started = self.shown_at = time.monotonic()

    def handle(self, item: StreamItem) -> None:
        if isinstance(item, StreamError):
            typer.echo(str(item), err=True)
        else:
            self._score(item)
        if time.monotonic() - self.shown_at > _PROGRESS_SECONDS:
            typer.echo(self.summary("…"), err=True)
            self.shown_at = time.monotonic()

    def _score(self, item: StreamName) -> None:
        text = (item.meta or {}).get("url") or item.name
        if self.recent.seen_before(text):
            self.repeats += 1
            return
        try:
            verdict = self.scorer.score(text)
        except InvalidValue as error:
            self.refused += 1
            typer.echo(f"line {item.line}: name {item.name!r}: {error.reason}", err=True)
            return
        if verdict.is_alert(self.threshold):
            self.alerts += 1
            found = {**verdict_json(verdict, self.threshold), "source": item.source}
            typer.echo(json.dumps({**found, "line": item.line}, ensure_ascii=False))
            if self.store is not None:
                self.store.add(text)

    def summary(self, end: str = ".") -> str:
        c, seconds = self.counters, max(time.monotonic() - self.started, 1e-9)
        return (
            f"{c.read:,} read, {c.names:,} names ({c.names / seconds:,.0f} names/s), "
            f"{self.alerts:,} alerts, {self.repeats:,} repeats, {c.heartbeats:,} heartbeats, "
            f"{c.errors + self.refused:,} refused, {c.duplicates:,} duplicates{end}"
        )


def _lines(source: str) -> Iterator[bytes]:
    if source == "-":
        yield from (line.rstrip(b"\r\n") for line in sys.stdin.buffer)
    else:
        yield from open_stream(Path(source))


def _watch_file(watch: _Watch, source: str, fmt: str, label: str, limit: int | None) -> None:
    lines = _lines(source)
    limited = lines if limit is None else islice(lines, limit)
    for item in _READERS[fmt](limited, label, watch.counters):
        watch.handle(item)


async def _watch_socket(watch: _Watch, url: str, label: str, limit: int | None) -> None:
    stream: AsyncIterator[StreamItem] = certstream_websocket(
        url, source=label, counters=watch.counters, max_messages=limit
    )
    async for item in stream:
        watch.handle(item)


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def _run(watch: _Watch, source: str, fmt: str, label: str, limit: int | None) -> None:
    is_socket = source.startswith(("ws://", "wss://"))
    if is_socket and fmt != "certstream":
        raise _fail("A websocket source speaks certstream: use --format certstream.")
    try:
        if is_socket:
            asyncio.run(_watch_socket(watch, source, label, limit))
        else:
            _watch_file(watch, source, fmt, label, limit)
    except FeedFormatError as error:
        raise _fail(f"Cannot read {source}: {error}") from error
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)


def watch(
    source: Annotated[
        str, typer.Argument(help="A file (.gz, .zip too), - for stdin, or a ws:// or wss:// URL.")
    ],
    stream_format: Annotated[
        StreamFormat, typer.Option("--format", help="What the source holds.")
    ] = StreamFormat.certstream,
    brands: Annotated[
        list[Path] | None,
        typer.Option(
            "--brands", exists=True, dir_okay=False, help="Brands CSV (default: the shipped list)."
        ),
    ] = None,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    store: Annotated[
        bool, typer.Option("--store", help="Hand the alerts to the server to keep.")
    ] = False,
    alert_source: Annotated[
        str | None,
        typer.Option("--source", help="Alert source: certstream, nrd, feed or report."),
    ] = None,
    max_messages: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many lines or messages.")
    ] = None,
) -> None:
    """Watch a certstream, a newly-registered-domain list or URLs; print the alerts as JSON."""
    fmt = stream_format.value
    label = alert_source or _DEFAULT_SOURCE[fmt]
    if label not in _SOURCES:
        raise _fail(f"--source {label!r}: use one of {', '.join(_SOURCES)}.")
    scorer = Scorer(load_brand_files(brands or [packaged_brands()]))
    recorder = _Store(label) if store else None
    runner = _Watch(scorer, threshold, recorder)
    try:
        _run(runner, source, fmt, label, max_messages)
        if recorder is not None:
            recorder.flush()
    finally:
        typer.echo(runner.summary(), err=True)
