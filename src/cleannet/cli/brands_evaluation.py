"""The evaluation behind ``cleannet brands evaluate``: a labelled set, the scorer, the figures.

Pure Python (no Typer, no Django) so that ``bench/lookalike_evaluate.py`` computes exactly the
figures the command prints.

A labelled file is CSV with the header ``name,label[,brand][,source]``: ``name`` is a hostname
or URL, ``label`` is ``fake`` or ``legit`` (also ``1``/``0`` and ``phishing``/``benign``, any
case). ``brand`` (the brand a fake imitates or a legit name belongs to) and ``source`` (where
the row came from) are informative only: a brand the brands file does not know is fine.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleannet.core.errors import InvalidValue, ParseError
from cleannet.engines.lookalike.model import Verdict

__all__ = [
    "LABELS",
    "SWEEP_THRESHOLDS",
    "Counts",
    "LabelledName",
    "Scored",
    "counts_at",
    "read_labelled",
    "score_labelled",
]

LABELS: dict[str, bool] = {
    "fake": True,
    "phishing": True,
    "1": True,
    "legit": False,
    "benign": False,
    "0": False,
}
"""Accepted label values (lower-cased) → whether the name is a fake."""

SWEEP_THRESHOLDS: tuple[int, ...] = tuple(range(10, 101, 5))
_REQUIRED = ("name", "label")


@dataclass(frozen=True, slots=True)
class LabelledName:
    """One row of a labelled file; ``row`` is its 1-based row number counting the header."""

    row: int
    name: str
    fake: bool
    brand: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Scored:
    """A labelled name with the scorer's verdict, or ``refused`` when the scorer refused it
    (a refused name is never an alert: a refused fake counts as a miss)."""

    item: LabelledName
    verdict: Verdict | None
    refused: str = ""

    def is_alert(self, threshold: int) -> bool:
        """Return whether the scorer alerts on this name at ``threshold``."""
        return self.verdict is not None and self.verdict.is_alert(threshold)


@dataclass(frozen=True, slots=True)
class Counts:
    """Confusion counts at one threshold, with the figures derived from them."""

    threshold: int
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    false_positives: tuple[Scored, ...] = field(default=(), compare=False)
    false_negatives: tuple[Scored, ...] = field(default=(), compare=False)

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP), or ``None`` when nothing was flagged."""
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN), or ``None`` when the set has no fakes."""
        fakes = self.tp + self.fn
        return self.tp / fakes if fakes else None

    @property
    def f1(self) -> float | None:
        """The harmonic mean of precision and recall (``None`` when either is undefined)."""
        precision, recall = self.precision, self.recall
        if precision is None or recall is None or precision + recall == 0:
            return None
        return 2 * precision * recall / (precision + recall)


def _label(value: str, row: int) -> bool:
    try:
        return LABELS[value.strip().lower()]
    except KeyError:
        known = ", ".join(LABELS)
        raise ParseError(
            "labelled file", row, f"{value!r} is not one of {known}", field="label"
        ) from None


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or ()]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise ParseError("labelled file", 1, f"the header lacks {', '.join(missing)}", "header")
    reader.fieldnames = header
    for record in reader:
        if any((value or "").strip() for key, value in record.items() if key is not None):
            # line_num counts physical lines, so blank lines keep the row numbers true
            yield reader.line_num, {k: (v or "").strip() for k, v in record.items() if k}


def read_labelled(source: str | Path) -> list[LabelledName]:
    """Return the rows of a labelled CSV (a path, or the text itself when not a ``Path``).

    Blank rows are skipped. Raises ``ParseError`` naming the row and field for a missing
    header column, an empty name or a label outside ``LABELS``; ``OSError`` and
    ``UnicodeDecodeError`` for a file that cannot be read as UTF-8.
    """
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    items = []
    for row, record in _rows(text):
        if not record.get("name"):
            raise ParseError("labelled file", row, "the name is empty", field="name")
        items.append(
            LabelledName(
                row=row,
                name=record["name"],
                fake=_label(record.get("label", ""), row),
                brand=record.get("brand", ""),
                source=record.get("source", ""),
            )
        )
    return items


def score_labelled(items: Iterable[LabelledName], score: Callable[[str], Verdict]) -> list[Scored]:
    """Score every labelled name once; a name ``score`` refuses (``InvalidValue``) is kept as
    refused with the reason, so that the counts still cover the whole set."""
    scored = []
    for item in items:
        try:
            scored.append(Scored(item, score(item.name)))
        except InvalidValue as error:
            scored.append(Scored(item, None, refused=error.reason))
    return scored


def counts_at(scored: Sequence[Scored], threshold: int) -> Counts:
    """Return the confusion counts of ``scored`` when alerts start at ``threshold``."""
    tp = fp = fn = tn = 0
    false_positives: list[Scored] = []
    false_negatives: list[Scored] = []
    for entry in scored:
        alert = entry.is_alert(threshold)
        if entry.item.fake and alert:
            tp += 1
        elif entry.item.fake:
            fn += 1
            false_negatives.append(entry)
        elif alert:
            fp += 1
            false_positives.append(entry)
        else:
            tn += 1
    return Counts(threshold, tp, fp, fn, tn, tuple(false_positives), tuple(false_negatives))
