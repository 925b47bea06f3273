"""Names from Certificate Transparency through certstream: JSON lines from a file, or a websocket.

The message format is certstream's (CaliDog/certstream-server and certstream-server-go; lite,
full and domains-only streams)::

    {"message_type": "certificate_update",
     "data": {"update_type": "X509LogEntry" | "PrecertLogEntry",
              "leaf_cert": {"all_domains": ["*.example.com", "example.com"],
                            "subject": {"CN": …}, "issuer": {"O": …},
                            "extensions": {"subjectAltName": "DNS:…, DNS:…"}, …},
              "cert_index": 1, "seen": 1767225600.1, "source": {"name": …, "url": …}}}
    {"message_type": "heartbeat", "timestamp": …}
    {"message_type": "dns_entries", "data": ["example.com", …]}

The names of a certificate are ``all_domains`` (or, when a server leaves it out, the subject
CN and the ``DNS:`` entries of subjectAltName), a leading ``*.`` dropped, each once per message.
Heartbeats are counted, not yielded. A line that is not JSON, a message without names, or a
name that is not a host name is one ``StreamError``; the stream goes on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator
from contextlib import aclosing
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from cleannet.engines.lookalike.streams import (
    StreamCounters,
    StreamError,
    StreamItem,
    StreamName,
    name_or_error,
    shorten,
)

__all__ = ["certstream_websocket", "message_items", "names_from_certstream_lines"]

_MAX_MESSAGE_BYTES = 16 * 1024**2  # full-stream messages carry the chain in base64
_META_KEYS = ("update_type", "cert_index", "cert_link")


class _BadMessage(Exception):
    """A message that holds no usable names; the text says why."""


def _names_from_san(san: object) -> list[str]:
    if not isinstance(san, str):
        return []
    entries = (entry.strip() for entry in san.split(","))
    return [entry[4:].strip() for entry in entries if entry.startswith("DNS:")]


def _leaf_names(leaf: dict[str, Any]) -> list[object]:
    all_domains = leaf.get("all_domains")
    if isinstance(all_domains, list):
        return all_domains
    subject, extensions = leaf.get("subject"), leaf.get("extensions")
    common_name = subject.get("CN") if isinstance(subject, dict) else None
    names: list[object] = [common_name] if isinstance(common_name, str) else []
    if isinstance(extensions, dict):
        names.extend(_names_from_san(extensions.get("subjectAltName")))
    if not names:
        raise _BadMessage("has no leaf_cert.all_domains, subject CN or subjectAltName")
    return names


def _certificate_meta(data: dict[str, Any], leaf: dict[str, Any]) -> dict[str, Any]:
    meta = {key: data[key] for key in _META_KEYS if key in data}
    log, issuer = data.get("source"), leaf.get("issuer")
    if isinstance(log, dict):
        meta["log"] = log.get("name") or log.get("url")
    if isinstance(issuer, dict) and issuer.get("O"):
        meta["issuer"] = issuer["O"]
    for key in ("not_before", "fingerprint"):
        if key in leaf:
            meta[key] = leaf[key]
    return meta


def _certificate(data: object) -> tuple[list[object], float | None, dict[str, Any]]:
    if not isinstance(data, dict):
        raise _BadMessage("certificate_update has no 'data' object")
    leaf = data.get("leaf_cert")
    if not isinstance(leaf, dict):
        raise _BadMessage("certificate_update has no 'data.leaf_cert' object")
    seen = data.get("seen")
    seen = float(seen) if isinstance(seen, int | float) else None
    return _leaf_names(leaf), seen, _certificate_meta(data, leaf)


def _named(
    names: list[object], line: int, source: str, seen: float | None, meta: dict[str, Any] | None
) -> Iterator[StreamItem | None]:
    """Yield a ``StreamName`` or ``StreamError`` per name, ``None`` for a repeat."""
    done: set[str] = set()
    for raw in names:
        if not isinstance(raw, str):
            yield StreamError(
                line, f"name {shorten(repr(raw))} is not a string", shorten(repr(raw))
            )
            continue
        name = name_or_error(raw, line)
        if isinstance(name, StreamError):
            yield name
        elif name in done:
            yield None
        else:
            done.add(name)
            yield StreamName(name, source, line, seen, meta)


def _message_names(message: object) -> tuple[list[object], float | None, dict[str, Any] | None]:
    if not isinstance(message, dict):
        raise _BadMessage(f"is a JSON {type(message).__name__}, not a certstream message object")
    kind = message.get("message_type")
    if kind == "certificate_update":
        return _certificate(message.get("data"))
    if kind == "dns_entries" and isinstance(message.get("data"), list):
        return message["data"], None, None
    raise _BadMessage(f"has message_type {shorten(repr(kind))}, not a certstream message type")


def message_items(
    message: object, line: int, source: str, counters: StreamCounters
) -> Iterator[StreamItem]:
    """Yield the names (and refused names) of one decoded certstream message; count it."""
    if isinstance(message, dict) and message.get("message_type") == "heartbeat":
        counters.heartbeats += 1
        return
    try:
        names, seen, meta = _message_names(message)
    except _BadMessage as error:
        counters.errors += 1
        yield StreamError(line, f"message {error}", shorten(json.dumps(message)))
        return
    for item in _named(names, line, source, seen, meta):
        if item is None:
            counters.duplicates += 1
        elif isinstance(item, StreamError):
            counters.errors += 1
            yield item
        else:
            counters.names += 1
            yield item


def _decoded(raw: str | bytes) -> object:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise _BadMessage(f"is not valid JSON ({error.msg} at column {error.colno})") from None
    except UnicodeDecodeError as error:
        raise _BadMessage(f"is not valid UTF-8 at byte {error.start}") from None


def _batch(document: object) -> list[object] | None:
    """Return the messages of a document holding several (an array, or ``{"messages": […]}``
    as certstream-server-go's ``/latest.json`` serves), or ``None`` for a single message."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("messages"), list):
        return list(document["messages"])
    return None


def _line_items(
    raw: str | bytes, line: int, source: str, counters: StreamCounters
) -> Iterator[StreamItem]:
    try:
        document = _decoded(raw)
    except _BadMessage as error:
        counters.errors += 1
        yield StreamError(line, str(error), shorten(raw))
        return
    batch = _batch(document)
    for message in [document] if batch is None else batch:
        yield from message_items(message, line, source, counters)


def _is_open_array(raw: str | bytes) -> bool:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = text.strip()
    return text.startswith("[") and not text.endswith("]")


def _joined(first: str | bytes, rest: Iterator[str | bytes]) -> str:
    lines = (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw for raw in rest)
    head = first.decode("utf-8", "replace") if isinstance(first, bytes) else first
    return "\n".join([head, *lines])


def names_from_certstream_lines(
    lines: Iterable[str | bytes],
    source: str = "certstream",
    counters: StreamCounters | None = None,
) -> Iterator[StreamItem]:
    """Yield the names of certstream messages, one JSON message per line (what a websocket
    client writes out; a line may also hold an array of messages), or of a JSON array document
    spread over many lines (then every name carries the array's first line).
    ``counters.read`` counts the lines with content.
    """
    counters = counters if counters is not None else StreamCounters()
    iterator = iter(lines)
    for line, raw in enumerate(iterator, start=1):
        if not raw.strip():
            continue
        counters.read += 1
        if counters.read == 1 and _is_open_array(raw):
            yield from _line_items(_joined(raw, iterator), line, source, counters)
            return
        yield from _line_items(raw, line, source, counters)


async def _connection_items(
    url: str, ping_interval: float, source: str, counters: StreamCounters, last: int | None
) -> AsyncGenerator[StreamItem, None]:
    """Yield the items of one connection until it closes or message ``last`` was read."""
    async with connect(url, ping_interval=ping_interval, max_size=_MAX_MESSAGE_BYTES) as websocket:
        async for message in websocket:
            counters.read += 1
            for item in _line_items(message, counters.read, source, counters):
                yield item
            if last is not None and counters.read >= last:
                return


async def certstream_websocket(
    url: str,
    *,
    ping_interval: float = 30.0,
    reconnect: bool = True,
    max_backoff: float = 60.0,
    initial_backoff: float = 1.0,
    source: str = "certstream",
    counters: StreamCounters | None = None,
    max_messages: int | None = None,
) -> AsyncIterator[StreamItem]:
    """Yield the names of a certstream websocket (``ws://`` or ``wss://``) as they arrive.

    Sends a ping every ``ping_interval`` seconds (certstream-server-go drops clients silent for
    60 s). A lost connection (or one that cannot open) is yielded as a ``StreamError`` with
    ``line=None`` (counted in ``counters.reconnects``, not ``errors``) and, with ``reconnect``,
    tried again after ``initial_backoff`` seconds, doubling up to ``max_backoff`` until a
    message arrives. ``line`` numbers messages since the start, across reconnections; with
    ``max_messages`` the stream ends after that many (samples, tests).
    Raises ``websockets.exceptions.InvalidURI`` for a URL that is not ``ws://`` or ``wss://``.
    """
    counters = counters if counters is not None else StreamCounters()
    delay = initial_backoff
    while True:
        received = counters.read
        try:
            items = _connection_items(url, ping_interval, source, counters, max_messages)
            async with aclosing(items):  # leaving early closes the connection at once
                async for item in items:
                    yield item
            if max_messages is not None and counters.read >= max_messages:
                return
            reason = "the server closed the connection"
        except ConnectionClosed as error:
            reason = f"connection lost: {error}"
        except (OSError, InvalidHandshake, TimeoutError) as error:
            reason = f"cannot connect: {error}"
        if counters.read > received:
            delay = initial_backoff  # that connection worked: start the backoff again
        counters.reconnects += 1
        yield StreamError(
            None, reason if not reconnect else f"{reason}; reconnecting in {delay:g} s", url
        )
        if not reconnect:
            return
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_backoff)
