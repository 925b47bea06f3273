"""Reading signature files line by line: comments, blank lines, the running description.

Signature-base files use ``#`` comment lines; the last comment line before an entry is that
entry's description (filename and C2 IOCs). A bad line never stops a load: it becomes a
``SignatureProblem`` naming the file, the line number and why, and the other lines go on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "SignatureLine",
    "SignatureProblem",
    "decode_signature_file",
    "iter_signature_lines",
]


@dataclass(frozen=True, slots=True)
class SignatureProblem:
    """One signature line (or file) that was not loaded, and why."""

    source: str
    line: int  # 1-based; 0 when the problem is about the whole file
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """A non-blank, non-comment line with its number and the description in force."""

    number: int
    text: str
    description: str


def iter_signature_lines(text: str) -> Iterator[SignatureLine]:
    """Yield the entry lines of ``text`` (stripped), skipping blank and ``#`` comment lines.

    The description is the text of the last comment line seen before the entry (without the
    leading ``#`` and spaces), or ``""`` before the first comment.
    """
    description = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if line.startswith("#"):
            comment = line.lstrip("#").strip()
            if comment:
                description = comment
            continue
        yield SignatureLine(number, line, description)


def decode_signature_file(data: bytes) -> str:
    """Decode a signature file: UTF-8 (with or without BOM), else Latin-1 (never fails)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")
