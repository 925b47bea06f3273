"""What an import read: counts that reconcile, and the first bad rows by file, line and reason.

``read == used + bad + skipped`` always holds: every row read is hashed into a store (used),
refused (bad, with its line and a reason that never quotes the value), or skipped (blank
lines, empty cells, count-0 padding lines). A compressed file damaged part-way is listed in
``incomplete`` (its rows before the damage count as usual). Equal hashes are merged in the stores:
``duplicates(kind) == rows[kind] - records[kind]``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from cleannet.core.errors import CleanNetError
from cleannet.engines.leakindex.identifiers import Kind

__all__ = ["BadRow", "ImportFormatError", "ImportSummary", "without_quotes"]

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def without_quotes(reason: str) -> str:
    """Return ``reason`` with every quoted part replaced by ``'…'``.

    Core's messages quote parts of the value they refuse (a domain, a character); a reason
    kept by the leak index must not carry any part of a leaked identifier.
    """
    return _QUOTED.sub("'…'", reason)


class ImportFormatError(CleanNetError):
    """An input that cannot be read at all (no value column, an unknown format): nothing of the
    import is written."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


@dataclass(frozen=True)
class BadRow:
    """One refused row: the file's name, its line (1-based) and why; never the value."""

    source: str
    line: int
    reason: str


@dataclass
class ImportSummary:
    """Counts of one import; see the module docstring for how they reconcile."""

    read: int = 0
    used: int = 0
    bad: int = 0
    skipped: int = 0
    rows: dict[Kind, int] = field(default_factory=dict)
    records: dict[Kind, int] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)
    samples: list[BadRow] = field(default_factory=list)
    incomplete: list[BadRow] = field(default_factory=list)
    SAMPLE_LIMIT = 50

    def reject(self, source: str, line: int, reason: str) -> None:
        """Count a bad row; keep it as a sample while there are fewer than ``SAMPLE_LIMIT``."""
        self.bad += 1
        self.reasons[reason] += 1
        if len(self.samples) < self.SAMPLE_LIMIT:
            self.samples.append(BadRow(source, line, reason))

    def duplicates(self, kind: Kind) -> int:
        """Return how many rows of ``kind`` repeated a hash already seen (merged, counts added)."""
        return self.rows.get(kind, 0) - self.records.get(kind, 0)

    @property
    def reconciles(self) -> bool:
        return self.read == self.used + self.bad + self.skipped
