"""The engines that run a ``MatchJob``: one lookup table, each engine a small module.

``get_engine("duckdb")`` and ``get_engine("spark")`` return an object with
``run(job: MatchJob) -> MatchResult``. Both implement the same few query plans (the exact
rules, R1–R11, are in ``duckdb_engine``'s docstring; ``docs/matching.md`` explains them) and
a conformance suite (``tests/engines/matching/engines``) holds their results equal row for
row:

1. indicators valid at the record's time only (``valid_from <= ts < valid_until``);
2. domain indicators match the name and every name under it (``a.b.evil.example`` →
   ``evil.example``); IP indicators the address; CIDR indicators every address inside;
   URL indicators the record's canonical URL when equal, or when the indicator ends in
   "/" and the URL starts with it (a path prefix);
3. CGNAT: a record with a port inside an allocated block of its public address at that
   second is translated to the inside address;
4. attribution: the one lease covering (ip, ts) with ``start <= ts < end`` (end null =
   still held); none → ``unattributed`` "no lease", several subscribers → "overlapping
   leases" (never guessed);
5. findings grouped by (subscriber, ip, indicator_kind, indicator): family, min/max ts,
   count, the evidence of the earliest record (ties: smallest evidence text);
6. daily counts per (UTC day, family, indicator_kind): distinct subscribers, records.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from cleannet.engines.matching.schema import MatchJob, MatchResult

ENGINES = {
    "duckdb": "cleannet.engines.matching.duckdb_engine",
    "spark": "cleannet.engines.matching.spark_engine",
}


class Engine(Protocol):
    name: str

    def run(self, job: MatchJob) -> MatchResult: ...


class UnknownEngine(ValueError):
    pass


def get_engine(name: str) -> Engine:
    """Return the engine ``name``; raise ``UnknownEngine`` naming the known ones."""
    module = ENGINES.get(name)
    if module is None:
        raise UnknownEngine(f"{name!r} is not an engine; known: {', '.join(sorted(ENGINES))}")
    engine: Engine = import_module(module).ENGINE
    return engine
