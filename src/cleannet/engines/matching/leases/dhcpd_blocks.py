"""ISC ``dhcpd.leases`` read into blocks of statements (dhcpd.leases(5)).

dhcpd writes one statement per line: ``lease 192.0.2.5 {`` opens a block, ``starts 1
2026/11/30 10:00:00;`` is a statement, ``}`` closes; ``ia-na "…" {`` holds ``iaaddr … {``
blocks (DHCPv6). ``#`` starts a comment outside quotes. Times are UTC (``W YYYY/MM/DD
HH:MM:SS``), or ``epoch <seconds>; # <local time>`` under ``db-time-format local``, or
``never``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cleannet.engines.matching.leases.inputs import epoch_micros, micros, open_text

__all__ = ["Block", "lease_time", "read_blocks", "unescape"]

_OPENING = re.compile(r"([a-z0-9-]+)\s+(.*?)\s*\{$")
# Blocks that only stand at the top: one opening inside another means the file was cut
# mid-block (dhcpd died while writing) and writing went on after a restart.
_TOP_LEVEL = {"lease", "ia-na", "ia-ta", "ia-pd", "host", "failover", "class", "subclass"}
_STATEMENT = re.compile(r'((?:[^";#]|"(?:[^"\\]|\\.)*")*);')
_DATE = re.compile(
    r"[0-6]\s+([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})\s+([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
)
_ESCAPE = re.compile(rb"\\([0-7]{3}|.)")


@dataclass
class Block:
    """A ``kind name { … }`` block: its statements (first word → rest) and inner blocks."""

    kind: str
    name: str
    source: str
    line: int
    statements: dict[str, str] = field(default_factory=dict)
    children: list[Block] = field(default_factory=list)
    closed: bool = False

    def sample(self) -> str:
        body = "; ".join(f"{key} {value}" for key, value in self.statements.items())
        return f"{self.kind} {self.name} {{ {body} }}"


def _statement_key(text: str) -> tuple[str, str]:
    """Return (key, value): ``binding state`` and ``set x =`` keep two words in the key."""
    words = text.split(None, 2)
    if words[0] in ("binding", "next", "rewind", "hardware", "option", "set") and len(words) > 1:
        return f"{words[0]} {words[1]}", (words[2] if len(words) > 2 else "")
    return words[0], " ".join(words[1:])


def _add_statement(block: Block, line: str) -> None:
    found = _STATEMENT.match(line)
    if found is None or not found[1].strip():
        return  # a line cut short: the block's missing statements are judged later
    key, value = _statement_key(found[1].strip())
    block.statements.setdefault(key, value.strip())


def read_blocks(path: Path) -> Iterator[Block | tuple[int, str]]:
    """Yield each top-level block in file order, or (line, text) for a top-level statement
    outside any block (``server-duid``, ``authoring-byte-order``). A block still open when
    the file ends (a file cut mid-write) is yielded with ``closed`` False."""
    stack: list[Block] = []
    with open_text(path) as stream:
        for number, raw in enumerate(stream, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            opening = _OPENING.match(line)
            if opening is not None:
                if stack and opening[1] in _TOP_LEVEL:
                    yield stack[0]
                    stack.clear()
                stack.append(Block(opening[1], opening[2], path.name, number))
            elif line.startswith("}"):
                if not stack:
                    yield number, line
                    continue
                block = stack.pop()
                block.closed = True
                if stack:
                    stack[-1].children.append(block)
                else:
                    yield block
            elif stack:
                _add_statement(stack[-1], line)
            else:
                yield number, line
    if stack:
        yield stack[0]


def lease_time(value: str) -> int | None:
    """Return a ``starts``/``ends`` value as microseconds (UTC); None for ``never``.

    Raises ``ValueError`` for anything else.
    """
    value = value.strip()
    if value == "never":
        return None
    if value.startswith("epoch "):
        return epoch_micros(value.removeprefix("epoch "))
    found = _DATE.fullmatch(value)
    if found is None:
        raise ValueError(f"{value!r} is not a dhcpd time")
    year, month, day, hour, minute, second = (int(part) for part in found.groups())
    return micros(dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC))


def unescape(quoted: str) -> bytes:
    """Return the bytes of a dhcpd string (``"\\001\\000…"``: octal escapes, ``\\"``)."""
    inner = quoted[1:-1] if len(quoted) >= 2 and quoted[0] == quoted[-1] == '"' else quoted
    return _ESCAPE.sub(
        lambda found: bytes([int(found[1], 8)]) if len(found[1]) == 3 else found[1],
        inner.encode("utf-8", "surrogateescape"),
    )
