"""A host as the scorer reads it: labels in plain and folded forms, and where the suffix starts.

``HostView.of(host)`` keeps, for every label, the *plain* form (ASCII as is; an IDN label
decoded, case-folded, Vietnamese marks dropped) and the *looks* form (its UTS #39 skeleton,
visually folded) and the *squeezed* form (``plain`` with doubled letters cut to one, then
visually folded:
``vviietcombank`` -> ``vietcombank``). Hits found in ``plain`` are the brand as written (or with
marks dropped); hits found only in ``looks`` are lookalikes, only in ``squeezed`` disguised by
doubled letters. The *joined* form is ``plain`` with hyphens dropped, where a brand written
with hyphens is found (``dien-may-xanh``, ``vn-express``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import idna

from cleannet.engines.lookalike.lexicon import squeeze
from cleannet.engines.lookalike.text import FoldedLabel, fold_label, visual_fold

__all__ = ["Form", "HostView", "Spot", "word_chunks"]

Form = Literal["plain", "looks", "squeezed", "joined"]

_SEPARATORS = re.compile(r"[-0-9_]+")


def word_chunks(text: str) -> list[str]:
    """Return the words of a label or a fragment: the runs between hyphens and digits."""
    return [chunk for chunk in _SEPARATORS.split(text) if chunk]


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a hit lies: label ``index``, offsets ``start``/``end`` inside ``label``."""

    index: int
    start: int
    end: int
    label: str

    @property
    def whole(self) -> bool:
        """The hit is the entire label."""
        return self.start == 0 and self.end == len(self.label)

    @property
    def left_edge(self) -> bool:
        """The hit starts the label or follows a hyphen or digit."""
        return self.start == 0 or not self.label[self.start - 1].isalpha()

    @property
    def right_edge(self) -> bool:
        """The hit ends the label or precedes a hyphen or digit."""
        return self.end == len(self.label) or not self.label[self.end].isalpha()


@dataclass(slots=True)
class HostView:
    """One host in the forms the scorer searches. ``idn`` maps label index -> its folding
    (only for non-ASCII labels); ``unicode`` maps label index -> its U-label."""

    host: str
    labels: list[str]
    plain: str
    looks: str
    looks_labels: list[str]
    idn: dict[int, FoldedLabel] = field(default_factory=dict)
    unicode: dict[int, str] = field(default_factory=dict)
    squeezed: str = ""
    joined: str = ""

    @classmethod
    def of(cls, host: str) -> HostView:
        """Return the view of a normalised ASCII host (A-labels allowed)."""
        if "xn--" not in host:
            looks = visual_fold(host)
            view = cls(host, host.split("."), host, looks, looks.split("."))
        else:
            view = cls(host, [], "", "", [])
            for index, label in enumerate(host.split(".")):
                view._add_label(index, label)
            view.plain = ".".join(view.labels)
            view.looks = ".".join(view.looks_labels)
        squeezed = squeeze(view.plain)
        view.squeezed = view.looks if squeezed == view.plain else visual_fold(squeezed)
        view.joined = view.plain.replace("-", "") if "-" in view.plain else view.plain
        return view

    def _add_label(self, index: int, label: str) -> None:
        if not label.startswith("xn--"):
            self.labels.append(label)
            self.looks_labels.append(visual_fold(label))
            return
        try:
            decoded = idna.decode(label)
        except idna.IDNAError:
            decoded = label  # parse_name accepted it; keep the A-label if decoding now fails
        folded = fold_label(decoded)
        self.unicode[index] = decoded
        self.idn[index] = folded
        self.labels.append(folded.plain)
        self.looks_labels.append(folded.looks)

    def text(self, form: Form) -> str:
        """Return the host in one of its forms."""
        if form == "plain":
            return self.plain
        if form == "joined":
            return self.joined
        return self.looks if form == "looks" else self.squeezed

    def spot(self, start: int, end: int, form: Form) -> Spot | None:
        """Return where ``[start, end)`` of the host in ``form`` lies, None if it crosses a
        dot."""
        text = self.text(form)
        label_start = text.rfind(".", 0, start) + 1
        if "." in text[start:end]:
            return None
        index = text.count(".", 0, start)
        label_end = text.find(".", end)
        label = text[label_start : len(text) if label_end < 0 else label_end]
        return Spot(index, start - label_start, end - label_start, label)
