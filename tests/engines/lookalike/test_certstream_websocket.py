"""The certstream websocket client against a real ``websockets`` server on loopback.

The server plays a certstream server that misbehaves the way real ones do: a heartbeat, a
broken message, then it drops the connection; the client must report that, reconnect, and go
on with the next messages in order.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import InvalidURI

from cleannet.engines.lookalike.certstream import certstream_websocket
from cleannet.engines.lookalike.streams import StreamCounters, StreamError, StreamItem, StreamName


def certificate(*names: str) -> str:
    return json.dumps(
        {
            "message_type": "certificate_update",
            "data": {
                "update_type": "X509LogEntry",
                "leaf_cert": {"all_domains": list(names), "subject": {"CN": names[0]}},
                "cert_index": 1,
                "seen": 1767225601.0,
                "source": {"name": "Test log", "url": "https://ct.example/"},
            },
        }
    )


HEARTBEAT = json.dumps({"message_type": "heartbeat", "timestamp": 1767225602.0})
FIRST_VISIT = [certificate("*.one.example.com", "one.example.com"), HEARTBEAT, '{"data": [', ""]
SECOND_VISIT = [certificate("two.example.com"), certificate("three.example.vn")]

Handler = Callable[[ServerConnection], Awaitable[None]]


def scripted_server(visits: list[list[str]]) -> Handler:
    """Each connection gets the next visit's messages, then the server closes it."""

    async def handler(connection: ServerConnection) -> None:
        messages = visits.pop(0) if visits else []
        for message in messages:
            await connection.send(message)
        if not visits:
            await connection.wait_closed()  # the last visit stays open until the client leaves

    return handler


async def collect(url: str, want_names: int, counters: StreamCounters) -> list[StreamItem]:
    items: list[StreamItem] = []
    stream = certstream_websocket(url, initial_backoff=0.01, max_backoff=0.05, counters=counters)
    async for item in stream:
        items.append(item)
        if sum(isinstance(found, StreamName) for found in items) == want_names:
            break
    await stream.aclose()
    return items


async def run_against(
    visits: list[list[str]], want_names: int
) -> tuple[list[StreamItem], StreamCounters]:
    counters = StreamCounters()
    async with serve(scripted_server(visits), "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        items = await asyncio.wait_for(collect(f"ws://127.0.0.1:{port}/", want_names, counters), 10)
    return items, counters


def test_it_reconnects_after_the_server_drops_it_and_keeps_the_order() -> None:
    items, counters = asyncio.run(run_against([FIRST_VISIT, SECOND_VISIT], want_names=3))
    received = [(item.line, item.name) for item in items if isinstance(item, StreamName)]
    assert received == [(1, "one.example.com"), (5, "two.example.com"), (6, "three.example.vn")]
    assert counters.heartbeats == 1
    assert counters.reconnects == 1


def test_it_reports_the_bad_message_and_the_lost_connection() -> None:
    items, counters = asyncio.run(run_against([FIRST_VISIT, SECOND_VISIT], want_names=3))
    problems = [item for item in items if isinstance(item, StreamError)]
    assert [(error.line, error.reason.split(" (")[0]) for error in problems[:2]] == [
        (3, "is not valid JSON"),
        (4, "is not valid JSON"),
    ]
    assert problems[2].line is None
    assert problems[2].reason.startswith("the server closed the connection; reconnecting in")
    assert counters.errors == 2


def test_it_reports_a_server_that_cannot_be_reached_and_stops_without_reconnect() -> None:
    async def once() -> list[StreamItem]:
        async with serve(scripted_server([]), "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
        # The server is gone: the port refuses connections now.
        stream = certstream_websocket(f"ws://127.0.0.1:{port}/", reconnect=False)
        return [item async for item in stream]

    items = asyncio.run(once())
    assert len(items) == 1
    assert isinstance(items[0], StreamError)
    assert items[0].reason.startswith("cannot connect")


def test_it_refuses_a_url_that_is_not_a_websocket() -> None:
    async def first() -> StreamItem:
        return await anext(certstream_websocket("https://certstream.example/"))

    with pytest.raises(InvalidURI):
        asyncio.run(first())
