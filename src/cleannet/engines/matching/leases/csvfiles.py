"""CSV files with declared columns, as the simple lease, CGNAT, indicator and event inputs are.

The first row that is not blank and not a ``#`` comment is the header if it names every
required column (any order, any case, more columns allowed); otherwise the columns are
taken in their declared order and that row is data. A row may leave out trailing cells
after the last required column (they read as empty), never have more than the columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleannet.engines.matching.leases.inputs import csv_rows, open_text
from cleannet.engines.matching.schema import ReadSummary

__all__ = ["CsvRow", "read_csv_rows"]


@dataclass(frozen=True, slots=True)
class CsvRow:
    source: str
    line: int
    cells: dict[str, str]  # column name → stripped text ("" when the row has no such cell)
    text: str  # the row as read, for a bad-row sample

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


def _header(cells: list[str], required: Sequence[str]) -> list[str] | None:
    names = [cell.strip().lower() for cell in cells]
    return names if all(name in names for name in required) else None


def _is_noise(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#")


def read_csv_rows(
    path: Path, columns: Sequence[str], required: Sequence[str], summary: ReadSummary
) -> Iterator[CsvRow]:
    """Yield the data rows of ``path`` by column name (``columns`` in their declared order,
    ``required`` the ones a header must name); blank and comment rows are counted skipped,
    unreadable and ragged rows bad. The header is not counted as read. The caller counts
    each yielded row as used or bad (``read`` is already counted)."""
    names: list[str] | None = None
    fewest = 0
    with open_text(path) as stream:
        for line, cells in csv_rows(stream):
            if cells is None:
                summary.read += 1
                summary.reject(path.name, line, "is not a readable CSV row", "")
                continue
            if names is None and not _is_noise(cells):
                header = _header(cells, required)
                names = header or list(columns)
                # Trailing empty cells are often left out; the required ones must be there.
                fewest = 1 + max(names.index(name) for name in required)
                if header is not None:
                    continue
            summary.read += 1
            if _is_noise(cells):
                summary.skipped += 1
            elif names is not None and not fewest <= len(cells) <= len(names):
                reason = f"has {len(cells)} fields; expected {len(names)}: {','.join(names)}"
                summary.reject(path.name, line, reason, ",".join(cells))
            else:
                cells_by_name = zip(names or [], cells, strict=False)
                yield CsvRow(
                    path.name, line, {n: c.strip() for n, c in cells_by_name}, ",".join(cells)
                )
