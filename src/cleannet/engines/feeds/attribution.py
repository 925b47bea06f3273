"""Fast IP → prefix → AS → owner attribution in memory, and the loaders of prefix tables.

The door of attribution for the ingestion pipeline (pure: no Django, no database)::

    index = PrefixIndex(entries)                     # PrefixEntry(network, asn, owner, from, until)
    hit = index.lookup("203.0.113.7", None, day)     # Hit(prefix, family, asn, owner, …) or None
    hits = index.lookup_many(ips, day)               # one list per batch of the same day

A look-up answers the longest (most specific) block that contains the address and is held
on ``day`` (``valid_from <= day < valid_until``). Validity is kept in days, so the index cuts
time into epochs at every distinct ``valid_from``/``valid_until``; the holdings of an epoch
are flattened into disjoint intervals (``attribution_tables``) the first time a day of it is
asked for, and a few recent epochs are kept. An IPv4-mapped IPv6 address is looked up as
its IPv4 address; an IPv6 block never answers for IPv4 (as ``networks.owner_of`` does).

Loaders read IPASN dumps, RIR delegated statistics and organisation prefix CSVs into
entries (``attribution_loaders``).
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from socket import AF_INET, inet_pton

from cleannet.core.errors import InvalidIndicator, InvalidValue
from cleannet.engines.feeds.attribution_addresses import (
    BITS,
    int_to_ip,
    ip_to_int,
    range_to_cidrs,
)
from cleannet.engines.feeds.attribution_entries import (
    Block,
    EntryLike,
    Hit,
    Network,
    PrefixEntry,
    resolve_entry,
)
from cleannet.engines.feeds.attribution_loaders import (
    DelegatedRecord,
    LineEntry,
    LineReject,
    Loaded,
    iter_delegated,
    iter_ipasn,
    iter_org_prefixes,
    load_delegated,
    load_ipasn,
    load_org_prefixes,
)
from cleannet.engines.feeds.attribution_tables import FamilyTable, build_table, edge_events

__all__ = [
    "DelegatedRecord",
    "EntryLike",
    "Hit",
    "LineEntry",
    "LineReject",
    "Loaded",
    "Network",
    "PrefixEntry",
    "PrefixIndex",
    "int_to_ip",
    "ip_to_int",
    "iter_delegated",
    "iter_ipasn",
    "iter_org_prefixes",
    "load_delegated",
    "load_ipasn",
    "load_org_prefixes",
    "range_to_cidrs",
]

_MAPPED_HIGH = 0xFFFF
_MAX_CACHED_DAYS = 4096  # days remembered → epoch; cleared when full (a day costs a dict slot)


@dataclass(frozen=True, slots=True)
class _Epoch:
    """The flattened tables of one stretch of days with the same holdings."""

    v4: FamilyTable
    v6: FamilyTable


class PrefixIndex:
    """Longest-prefix match over holdings that change with the day; built once, read often.

    ``entries`` are ``PrefixEntry`` values (or tuples in that order). ``covers_from`` says
    that holdings which ended before that day were left out, so earlier days are refused
    rather than answered wrongly. ``max_epochs`` bounds how many flattened epochs are kept
    (each holds two intervals per block at most). Building raises ``InvalidIndicator`` or
    ``InvalidValue`` for the first malformed entry. Look-ups are safe from several threads;
    a new epoch is built by one of them while the others wait.
    """

    def __init__(
        self,
        entries: Iterable[EntryLike],
        *,
        covers_from: dt.date | None = None,
        max_epochs: int = 8,
    ) -> None:
        blocks = [resolve_entry(entry) for entry in entries]
        self._blocks = {family: [b for b in blocks if b.family == family] for family in BITS}
        self._events = {family: edge_events(self._blocks[family]) for family in BITS}
        self._boundaries = sorted(
            {day for b in blocks for day in (b.hit.valid_from, b.hit.valid_until) if day}
        )
        self._size = len(blocks)
        self.covers_from = covers_from
        self._max_epochs = max(1, max_epochs)
        self._epochs: OrderedDict[int, _Epoch] = OrderedDict()
        self._days: dict[dt.date, _Epoch] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Return the number of entries the index was built from."""
        return self._size

    @property
    def boundaries(self) -> tuple[dt.date, ...]:
        """The days on which some holding starts or ends, in order (epochs change there)."""
        return tuple(self._boundaries)

    def lookup(self, ip: str | int, family: int | None, day: dt.date) -> Hit | None:
        """Return the most specific holding of ``ip`` on ``day``, or None if nobody held it.

        ``ip`` is address text (``family`` None, or the text's own family) or an integer of
        ``family`` 4 or 6. An IPv4-mapped address is looked up as IPv4. Raises
        ``InvalidIndicator`` for a bad address or family, ``InvalidValue`` for a ``day`` that
        is not a date or is before ``covers_from``.
        """
        epoch = self._days.get(day) or self._epoch_of(day)
        if type(ip) is str:
            if family is not None and family != (6 if ":" in ip else 4):
                raise InvalidIndicator("ip", ip, f"is not an IPv{family} address")
            found_family, value = ip_to_int(ip)
        else:
            found_family, value = _checked_int(ip, family)
        return (epoch.v4 if found_family == 4 else epoch.v6).find(value)

    def lookup_many(self, ips: Iterable[str], day: dt.date) -> list[Hit | None]:
        """Return ``lookup(ip, None, day)`` for each address text of ``ips``, in order.

        Raises ``InvalidIndicator`` at the first bad address, and as ``lookup`` for ``day``.
        """
        epoch = self._days.get(day) or self._epoch_of(day)
        v4, v6 = epoch.v4, epoch.v6
        top, starts, hits, shift = v4.top, v4.starts, v4.hits, v4.shift
        answers: list[Hit | None] = []
        append = answers.append
        for text in ips:
            try:
                value = int.from_bytes(inet_pton(AF_INET, text), "big")
            except (OSError, ValueError, TypeError):
                family, value = ip_to_int(text)  # IPv6, or raises naming the address
                if family == 6:
                    append(v6.find(value))
                    continue
            # Inlined FamilyTable.find: the call would cost a fifth of the look-up.
            found = top[value >> shift]
            if isinstance(found, tuple):
                found = hits[bisect_right(starts, value, found[0], found[1]) - 1]
            append(found)
        return answers

    def lookup_ints(self, values: Iterable[int], family: int, day: dt.date) -> list[Hit | None]:
        """Return ``lookup(value, family, day)`` for each integer address of ``values``.

        The fastest path, for addresses already held as integers. Raises ``InvalidIndicator``
        if ``family`` is not 4 or 6 or a value is outside its range, and as ``lookup`` for
        ``day``.
        """
        numbers = values if isinstance(values, list) else list(values)
        if not numbers:
            return []
        _checked_int(min(numbers), family)
        _checked_int(max(numbers), family)
        epoch = self._days.get(day) or self._epoch_of(day)
        if family == 6:
            return [_find_v6(epoch, value) for value in numbers]
        table = epoch.v4
        top, starts, hits, shift = table.top, table.starts, table.hits, table.shift
        answers: list[Hit | None] = []
        append = answers.append
        for value in numbers:
            found = top[value >> shift]
            if isinstance(found, tuple):
                found = hits[bisect_right(starts, value, found[0], found[1]) - 1]
            append(found)
        return answers

    def _epoch_of(self, day: dt.date) -> _Epoch:
        """Return the tables for ``day``, building its epoch on first use (slow path)."""
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise InvalidValue("day", day, "is not a date (give the day in the platform zone)")
        if self.covers_from is not None and day < self.covers_from:
            raise InvalidValue(
                "day", day, f"is before {self.covers_from.isoformat()}, the first day indexed"
            )
        number = bisect_right(self._boundaries, day)
        with self._lock:  # the slow path only: look-ups of known days never take it
            epoch = self._epochs.get(number)
            if epoch is None:
                epoch = self._build_epoch(number)
            self._epochs.move_to_end(number)
            if len(self._days) >= _MAX_CACHED_DAYS:
                self._days.clear()
            self._days[day] = epoch
        return epoch

    def _build_epoch(self, number: int) -> _Epoch:
        """Flatten the holdings of epoch ``number``, evicting the least recently used one."""
        first_day = self._boundaries[number - 1] if number else dt.date.min
        tables = {
            family: build_table(
                family,
                self._blocks[family],
                self._events[family],
                [_held_on(block, first_day) for block in self._blocks[family]],
            )
            for family in BITS
        }
        epoch = _Epoch(tables[4], tables[6])
        self._epochs[number] = epoch
        if len(self._epochs) > self._max_epochs:
            self._epochs.popitem(last=False)
            self._days.clear()  # its days point at the evicted tables
        return epoch


def _held_on(block: Block, day: dt.date) -> bool:
    """Whether ``block`` is held on ``day`` (every day of an epoch gives the same answer)."""
    start, end = block.hit.valid_from, block.hit.valid_until
    return (start is None or start <= day) and (end is None or day < end)


def _checked_int(value: object, family: int | None) -> tuple[int, int]:
    """Return ``(family, value)`` with an IPv4-mapped IPv6 value turned into IPv4.

    Raises ``InvalidIndicator`` for a family other than 4 or 6, a value that is not an
    ``int`` (a ``bool`` is refused), or one outside the family's range.
    """
    if family not in BITS:
        raise InvalidIndicator("family", family, "is neither 4 nor 6")
    if type(value) is not int or not 0 <= value < 1 << BITS[family]:
        raise InvalidIndicator("ip", value, f"is not an IPv{family} address as an integer")
    if family == 6 and value >> 32 == _MAPPED_HIGH:
        return 4, value & 0xFFFFFFFF
    return family, value


def _find_v6(epoch: _Epoch, value: int) -> Hit | None:
    if value >> 32 == _MAPPED_HIGH:
        return epoch.v4.find(value & 0xFFFFFFFF)
    return epoch.v6.find(value)
